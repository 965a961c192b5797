import { expect, test } from '@playwright/test';
import { AgentConsole, type CallMediaStats } from './support/agent-console';

/**
 * Issue 13 §2: a live call survives a reload of the agent's tab. The reloaded page resumes its
 * server session (kept for SESSION_RELOAD_GRACE_SECONDS), gets fresh media credentials and
 * rejoins the room; the caller's call never ends, and audio flows both ways again.
 */
const CALLER = 'Katherine Johnson';
const MEDIA_DEADLINE = { timeout: 30_000, intervals: [250] };

async function statsOf(console: AgentConsole): Promise<CallMediaStats> {
  const [stats] = await console.mediaStats();
  if (!stats) throw new Error('no call media in this tab');
  return stats;
}

/** How many audio bytes arrive in `ms` (the RTP payload of the other side's microphone). */
async function audioBytesIn(console: AgentConsole, ms: number): Promise<number> {
  const before = (await statsOf(console)).inbound.audio.bytesReceived;
  await console.page.waitForTimeout(ms);
  return (await statsOf(console)).inbound.audio.bytesReceived - before;
}

/** Records every text the caller's call status shows from now on. */
async function recordStatuses(console: AgentConsole): Promise<() => Promise<string[]>> {
  await console.page.evaluate(() => {
    const seen: string[] = [];
    (window as { __statuses?: string[] }).__statuses = seen;
    const read = () => {
      const text = document
        .querySelector('app-caller-call-panel .outgoing-status')
        ?.textContent?.trim();
      if (text && seen.at(-1) !== text) seen.push(text);
    };
    new MutationObserver(read).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
    });
    read();
  });
  return () => console.page.evaluate(() => (window as { __statuses?: string[] }).__statuses ?? []);
}

test.describe('a call across a reload of the agent’s tab', () => {
  let consoles: AgentConsole[] = [];
  test.afterEach(async () => {
    await Promise.all(consoles.map((c) => c.close()));
    consoles = [];
  });

  test('the reloaded tab is back on the connected call with media; the caller never sees it end', async ({
    browser,
  }) => {
    const agent = await AgentConsole.signIn(browser, 'ada@demo.test');
    const caller = await AgentConsole.signIn(browser, 'katherine@demo.test');
    consoles = [agent, caller];
    await agent.comeOnline();

    await caller.dial('/private/ada');
    await agent.card(CALLER).getByRole('button', { name: 'Accept' }).click();
    await expect(agent.activeCall()).toContainText('Connected', { timeout: 30_000 });
    await expect(caller.outgoingStatus()).toHaveText('Connected', { timeout: 30_000 });
    await expect.poll(() => audioBytesIn(agent, 1_000), MEDIA_DEADLINE).toBeGreaterThan(1_000);
    await expect.poll(() => audioBytesIn(caller, 1_000), MEDIA_DEADLINE).toBeGreaterThan(1_000);
    const statuses = await recordStatuses(caller);

    await agent.page.reload();

    // The same call, connected, in the reloaded page, with the caller's audio arriving again.
    await expect(agent.activeCall()).toContainText(CALLER, { timeout: 30_000 });
    await expect(agent.activeCall()).toContainText('Connected', { timeout: 30_000 });
    await expect.poll(() => audioBytesIn(agent, 1_000), MEDIA_DEADLINE).toBeGreaterThan(1_000);
    // And the agent's audio reaches the caller again, from the reloaded page's new publication.
    await expect.poll(() => audioBytesIn(caller, 1_000), MEDIA_DEADLINE).toBeGreaterThan(1_000);
    // Still online (registered again), and the status line says it is on this call.
    await expect(agent.page.getByRole('switch', { name: 'Come online' })).toBeChecked();
    await expect(agent.page.locator('app-online-toggle .status')).toContainText(
      `On a call with ${CALLER}`,
    );
    expect(await statuses()).toEqual(['Connected']);

    // Hanging up from the reloaded page ends the call for the caller at once.
    await agent.activeCall().getByRole('button', { name: 'Hang up' }).click();
    await expect(caller.outgoingStatus()).not.toHaveText('Connected', { timeout: 5_000 });
  });
});

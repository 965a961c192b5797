import { expect, test } from '@playwright/test';
import { createRingGroup } from './support/admin-api';
import { AgentConsole } from './support/agent-console';

const CALLER = 'Katherine Johnson';
const agentEmails = ['ada@demo.test', 'grace@demo.test', 'alan@demo.test'];

test.describe('the supervisor view', () => {
  let consoles: AgentConsole[] = [];
  test.afterEach(async () => {
    await Promise.all(consoles.map((c) => c.close()));
    consoles = [];
  });

  test('shows a group call ringing three agents, connected with the winner, then gone, with the figures; agents are refused', async ({
    browser,
    request,
  }) => {
    const address = await createRingGroup(request, 'e2e-supervisor', agentEmails, {
      ringTimeoutSeconds: 60,
      maxWaitSeconds: 60,
      retryIntervalSeconds: 5,
    });
    const groupName = address.replace('/group/', '');
    const supervisor = await AgentConsole.signIn(browser, 'sam@demo.test');
    const agents = await Promise.all(
      agentEmails.map((email) => AgentConsole.signIn(browser, email)),
    );
    for (const agent of agents) await agent.comeOnline();
    const [ada, grace] = agents;
    const caller = await AgentConsole.signIn(browser, 'katherine@demo.test');
    consoles = [supervisor, ...agents, caller];

    const view = supervisor.page;
    await view.goto('/supervisor');
    await expect(view.getByRole('heading', { name: 'Supervisor' })).toBeVisible();
    await expect(view.locator('.feed-state[data-state="live"]')).toBeVisible();
    const group = view.locator('app-group-card').filter({ hasText: groupName });
    const today = group.locator('tr[data-window="Today"]');
    await expect(group.locator('[data-figure=waiting]')).toHaveText('0');
    await expect(today.locator('[data-figure=answered]')).toHaveText('0');

    await caller.dial(address);
    const row = view.getByRole('row', { name: `${CALLER}, Ringing` });
    await expect(row).toBeVisible();
    await expect(row.locator('.agents')).toHaveAttribute('data-rung', '3');
    for (const name of ['Ada Lovelace', 'Grace Hopper', 'Alan Turing'])
      await expect(row.locator('.agents')).toContainText(name);
    await expect(group.locator('[data-figure=waiting]')).toHaveText('1');

    await grace.card(CALLER).getByRole('button', { name: 'Accept' }).click();
    const connected = view.getByRole('row', { name: `${CALLER}, Connected` });
    await expect(connected).toBeVisible();
    await expect(connected.locator('.agents')).toHaveText('Grace Hopper');
    await expect(group.locator('[data-figure=waiting]')).toHaveText('0');
    await expect(today.locator('[data-figure=answered]')).toHaveText('1');
    await expect(
      view.locator('app-agent-list [role=row]', { hasText: 'Grace Hopper' }).locator('.presence'),
    ).toHaveText('On call');

    await grace.activeCall().getByRole('button', { name: 'Hang up' }).click();
    await expect(view.locator('app-live-calls [role=row]', { hasText: CALLER })).toHaveCount(0);
    await expect(today.locator('[data-figure=answered]')).toHaveText('1');

    // The caller gives up while it rings: abandoned.
    await caller.dial(address);
    await expect(view.getByRole('row', { name: `${CALLER}, Ringing` })).toBeVisible();
    await caller.outgoingHangUp().click();
    await expect(view.locator('app-live-calls [role=row]', { hasText: CALLER })).toHaveCount(0);
    await expect(today.locator('[data-figure=abandoned]')).toHaveText('1');

    // An agent opening the supervisor URL is refused.
    await ada.page.goto('/supervisor');
    await expect(ada.page.getByRole('alert')).toContainText(
      'The supervisor view is for supervisors and admins',
    );
    await expect(ada.page.locator('app-live-calls')).toHaveCount(0);
    // Agents see no link to it, and the refusal offers the way back.
    await expect(ada.page.getByRole('navigation', { name: 'Pages' })).not.toContainText(
      'Supervisor',
    );
    await ada.page.getByRole('link', { name: 'Back to your console' }).click();
    await expect(ada.page.getByRole('switch', { name: 'Come online' })).toBeVisible();
    // Supervisors reach it from the header.
    await expect(
      supervisor.page.getByRole('navigation', { name: 'Pages' }).getByRole('link', {
        name: 'Supervisor',
      }),
    ).toBeVisible();

    for (const tab of consoles) expect(tab.errors).toEqual([]);
  });

  test('monitor hears a connected call without appearing to the agent; a whisper reaches only the agent, a barge everyone', async ({
    browser,
    request,
  }) => {
    const address = await createRingGroup(request, 'e2e-monitor', ['alan@demo.test'], {
      ringTimeoutSeconds: 60,
      maxWaitSeconds: 60,
      retryIntervalSeconds: 5,
    });
    const supervisor = await AgentConsole.signIn(browser, 'sam@demo.test');
    const alan = await AgentConsole.signIn(browser, 'alan@demo.test');
    await alan.comeOnline();
    const caller = await AgentConsole.signIn(browser, 'katherine@demo.test');
    consoles = [supervisor, alan, caller];

    const view = supervisor.page;
    await view.goto('/supervisor');
    await expect(view.locator('.feed-state[data-state="live"]')).toBeVisible();
    await caller.dial(address);
    await alan.card(CALLER).getByRole('button', { name: 'Accept' }).click();
    const connected = view.getByRole('row', { name: `${CALLER}, Connected` });
    await expect(connected).toBeVisible();
    // Both parties hear each other before anyone joins them.
    await expect.poll(() => inboundAudioBytes(alan), { timeout: 20_000 }).toBeGreaterThan(2_000);
    await expect.poll(() => inboundAudioBytes(caller), { timeout: 20_000 }).toBeGreaterThan(2_000);

    await connected.getByRole('button', { name: `Monitor ${CALLER}` }).click();
    const monitor = view.locator('section.monitor');
    await expect(monitor).toHaveAttribute('data-status', 'joined', { timeout: 20_000 });
    await expect(monitor.locator('.mode-indicator')).toHaveText(
      'Listening silently: nobody hears or sees you',
    );
    // The supervisor hears both sides: inbound audio bytes rise on the supervisor's page.
    const first = await monitorStats(supervisor);
    expect(first.remoteParticipants.sort()).toEqual([
      expect.stringMatching(/^agent:/),
      expect.stringMatching(/^caller:/),
    ]);
    await expect
      .poll(async () => (await monitorStats(supervisor)).inboundAudioBytes, { timeout: 20_000 })
      .toBeGreaterThan(first.inboundAudioBytes + 4_000);
    expect((await monitorStats(supervisor)).outboundAudioBytes).toBe(0);
    // Nothing of the monitor reaches the call: each party still plays only the other's microphone.
    expect(await remoteAudioTracks(alan)).toBe(1);
    expect(await remoteAudioTracks(caller)).toBe(1);

    // Whisper: the agent now plays a second audio track (the supervisor's); the caller does not.
    await connected.getByRole('button', { name: `Whisper to the agent of ${CALLER}` }).click();
    await expect(monitor).toHaveAttribute('data-mode', 'whisper');
    await expect(monitor).toHaveAttribute('data-status', 'joined', { timeout: 20_000 });
    await expect(monitor.locator('.mode-indicator')).toHaveText(
      'Whispering: only Alan Turing hears you',
    );
    await expect
      .poll(async () => (await monitorStats(supervisor)).outboundAudioBytes, { timeout: 20_000 })
      .toBeGreaterThan(2_000);
    await expect.poll(() => remoteAudioTracks(alan), { timeout: 20_000 }).toBe(2);
    expect(await remoteAudioTracks(caller)).toBe(1);

    // Barge in, and back to a whisper: the caller gains the supervisor's track, then loses it.
    await monitor.getByRole('button', { name: 'Barge in' }).click();
    await expect(monitor).toHaveAttribute('data-mode', 'barge');
    await expect(monitor.locator('.mode-indicator')).toHaveText(
      'Barged in: everyone on the call hears you',
    );
    await expect.poll(() => remoteAudioTracks(caller), { timeout: 20_000 }).toBe(2);
    expect(await remoteAudioTracks(alan)).toBe(2);
    await monitor.getByRole('button', { name: 'Whisper' }).click();
    await expect(monitor.locator('.mode-indicator')).toHaveText(
      'Whispering: only Alan Turing hears you',
    );
    await expect.poll(() => remoteAudioTracks(caller), { timeout: 20_000 }).toBe(1);
    expect(await remoteAudioTracks(alan)).toBe(2);

    await monitor.getByRole('button', { name: 'Leave call' }).click();
    await expect(monitor).toHaveCount(0);
    await expect.poll(() => remoteAudioTracks(alan), { timeout: 20_000 }).toBe(1);
    await alan.activeCall().getByRole('button', { name: 'Hang up' }).click();
    await expect(view.locator('app-live-calls [role=row]', { hasText: CALLER })).toHaveCount(0);
    for (const tab of consoles) expect(tab.errors).toEqual([]);
  });
});

async function inboundAudioBytes(tab: AgentConsole): Promise<number> {
  const stats = await tab.mediaStats();
  return stats.reduce((sum, call) => sum + call.inbound.audio.bytesReceived, 0);
}

/** The supervisor page's debug hook (src/app/supervisor/supervisor-monitor.ts). */
function monitorStats(tab: AgentConsole): Promise<{
  remoteParticipants: string[];
  inboundAudioBytes: number;
  outboundAudioBytes: number;
}> {
  return tab.page.evaluate(async () => {
    const hook = (
      window as {
        __switchboardSupervisor?: {
          stats(): Promise<{
            remoteParticipants: string[];
            inboundAudioBytes: number;
            outboundAudioBytes: number;
          }>;
        };
      }
    ).__switchboardSupervisor;
    if (!hook) throw new Error('no supervisor debug hook');
    return hook.stats();
  });
}

/** Live audio tracks the tab's call plays (the remote stream bound to its media element). */
function remoteAudioTracks(tab: AgentConsole): Promise<number> {
  return tab
    .callMedia()
    .locator('audio.remote-audio, video.remote-video')
    .first()
    .evaluate((element) => {
      const stream = (element as HTMLMediaElement).srcObject as MediaStream | null;
      return stream?.getAudioTracks().filter((track) => track.readyState === 'live').length ?? 0;
    });
}

/**
 * A frozen tab, in a real Chromium: Chrome freezes background pages (their scripts stop), while
 * the browser itself keeps the WebSocket open and answers its pings. The console's own code
 * must keep the agent reachable, so a frozen page stops being rung: the SDK gives its socket up
 * on the page's `freeze` event, and the server's application-level heartbeat catches a page that
 * froze without one. On `resume` the tab takes its session back and rings again.
 *
 * The freeze is Chrome's own (CDP Page.setWebLifecycleState). What is checked is what call
 * control does, through the tenant's API: the agent's leg withdrawn, a new call not offered to
 * the frozen tab, both offered again after the resume. A caller meanwhile keeps hearing
 * "Ringing": the call waits for the agent (up to its ring timeout), as for any agent who cannot
 * take it right now; that is not the agent being rung.
 */
import { expect, test, type APIRequestContext } from '@playwright/test';
import { AgentConsole } from './support/agent-console';
import { DEMO_API_KEY } from './support/admin-api';
import { launchFreezableBrowser } from './support/freezable-browser';

const auth = { authorization: `Bearer ${DEMO_API_KEY}` };

interface CallDetail {
  id: string;
  status: 'queued' | 'ringing' | 'connected' | 'ended';
  legs: { outcome: string }[];
}

async function placeCall(request: APIRequestContext, from: string): Promise<CallDetail> {
  const response = await request.post('/api/calls', {
    headers: auth,
    data: { from, to: '/private/ada' },
  });
  expect(response.status(), await response.text()).toBe(201);
  return (await response.json()) as CallDetail;
}

async function readCall(request: APIRequestContext, id: string): Promise<CallDetail> {
  const response = await request.get(`/api/calls/${id}`, { headers: auth });
  expect(response.status()).toBe(200);
  return (await response.json()) as CallDetail;
}

/** Where a call stands for the agent: rung right now, or not. */
const ringingLegs = (call: CallDetail) => call.legs.filter((leg) => leg.outcome === 'ringing');

test.describe('a frozen tab', () => {
  let ada: AgentConsole | undefined;
  let closeBrowser: (() => Promise<void>) | undefined;
  const placed: string[] = [];
  test.afterEach(async ({ request }) => {
    await ada?.close();
    await closeBrowser?.();
    ada = closeBrowser = undefined;
    // Calls still waiting for Ada must not ring her in the next test.
    for (const id of placed.splice(0))
      await request.post(`/api/calls/${id}/hangup`, { headers: auth });
  });

  test('stops being rung at once, is not offered new calls, and rings again on resume', async ({
    request,
    baseURL,
  }) => {
    // Not Playwright's own browser: its focus emulation keeps pages visible, and Chrome does not
    // freeze a visible page (support/freezable-browser.ts). That is why an earlier version of
    // this test saw the agent still ringing: the page had never frozen.
    const freezable = await launchFreezableBrowser();
    closeBrowser = freezable.close;
    ada = await AgentConsole.signInTab(
      freezable.browser.contexts()[0],
      'ada@demo.test',
      undefined,
      baseURL,
    );
    await ada.comeOnline();
    const first = await placeCall(request, 'Before The Freeze');
    placed.push(first.id);
    await expect(
      ada.card('Before The Freeze').getByRole('button', { name: 'Accept' }),
    ).toBeEnabled();
    expect(ringingLegs(await readCall(request, first.id))).toHaveLength(1);

    const devtools = await ada.page.context().newCDPSession(ada.page);
    await devtools.send('Page.setWebLifecycleState', { state: 'frozen' });

    // The page's freeze event gives the socket up, so the leg is withdrawn at once: within 5 s,
    // before the server could have noticed the silence itself (never before two missed beats,
    // 6–9 s at the default HEARTBEAT_SECONDS=3, the documented window for a page that froze
    // without the event; server/session/heartbeat-liveness.test.ts).
    await expect
      .poll(async () => (await readCall(request, first.id)).status, { timeout: 5_000 })
      .toBe('queued');
    const withdrawn = await readCall(request, first.id);
    expect(ringingLegs(withdrawn)).toHaveLength(0);
    expect(withdrawn.legs.map((leg) => leg.outcome)).toEqual(['withdrawn']);

    // A call placed meanwhile is not offered to the frozen tab: it waits for the agent.
    const second = await placeCall(request, 'During The Freeze');
    placed.push(second.id);
    expect(second.status).toBe('queued');
    expect(second.legs).toEqual([]);

    await devtools.send('Page.setWebLifecycleState', { state: 'active' });
    // The agent looks at the tab again: visible (a hidden page paints no frames to click on).
    await devtools.send('Emulation.setFocusEmulationEnabled', { enabled: true });
    for (const caller of ['Before The Freeze', 'During The Freeze'])
      await expect(ada.card(caller).getByRole('button', { name: 'Accept' })).toBeEnabled();
    await expect.poll(async () => (await readCall(request, second.id)).status).toBe('ringing');
    await expect(ada.page.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();

    await ada.card('During The Freeze').getByRole('button', { name: 'Accept' }).click();
    // Answered (an API call without a script sends no media, so the panel waits for it).
    await expect(ada.activeCall()).toContainText('During The Freeze');
    await expect.poll(async () => (await readCall(request, second.id)).status).toBe('connected');
    expect(ada.errors).toEqual([]);
  });
});

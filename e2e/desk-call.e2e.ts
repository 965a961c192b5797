import { expect, test } from '@playwright/test';
import { DEMO_API_KEY } from './support/admin-api';
import { AgentConsole } from './support/agent-console';

/**
 * Issue 13, a desk built around the call: the ringing card and the call show the customer
 * context (`params`) and the caller's name once; a direct call says so instead of naming a ring
 * group; the status line says what is true ("On hold"); the caller's own console shows the
 * call in its centre and says who answered, and who put it on hold.
 */
test.describe('the call on the desk', () => {
  let consoles: AgentConsole[] = [];
  test.afterEach(async () => {
    await Promise.all(consoles.map((c) => c.close()));
    consoles = [];
  });

  test('an API call shows its params and the name once; a direct call says so', async ({
    browser,
    request,
  }) => {
    const ada = await AgentConsole.signIn(browser, 'ada@demo.test');
    consoles = [ada];
    await ada.comeOnline();
    const placed = await request.post('/api/calls', {
      headers: { authorization: `Bearer ${DEMO_API_KEY}` },
      data: { from: 'Mary Jackson', to: '/private/ada', params: { ticket: '4711', plan: 'Gold' } },
    });
    expect(placed.status(), await placed.text()).toBe(201);
    const { id } = (await placed.json()) as { id: string };

    const card = ada.card('Mary Jackson');
    await expect(card).toContainText('Direct to you');
    await expect(card).not.toContainText('Ring group');
    await expect(card.locator('.detail')).toHaveText(['ticket4711', 'planGold']);
    await expect(card.getByText('Mary Jackson')).toHaveCount(1);

    await card.getByRole('button', { name: 'Accept' }).click();
    const details = ada.activeCall().getByRole('definition');
    await expect(details).toHaveText(['4711', 'Gold']);
    await expect(ada.activeCall().getByText('Mary Jackson')).toHaveCount(1);
    const hungUp = await request.post(`/api/calls/${id}/hangup`, {
      headers: { authorization: `Bearer ${DEMO_API_KEY}` },
    });
    expect(hungUp.status()).toBe(200);
  });

  test('the caller’s console shows the call in its wide centre: who answered, its state and time, one control bar', async ({
    browser,
  }) => {
    const ada = await AgentConsole.signIn(browser, 'ada@demo.test');
    const caller = await AgentConsole.signIn(browser, 'katherine@demo.test');
    consoles = [ada, caller];
    await ada.comeOnline();
    const centre = caller.page.getByRole('region', { name: 'Active call' });
    await expect(centre).toContainText('Not on a call');

    await caller.dial('/group/support');
    await expect(caller.outgoingStatus()).toHaveText('Ringing');
    await expect(centre).not.toContainText('Not on a call');
    await expect(caller.callerCall().locator('.callee-name')).toHaveText('support');

    await ada.card('Katherine Johnson').getByRole('button', { name: 'Accept' }).click();
    await expect(caller.outgoingStatus()).toHaveText('Connected', { timeout: 30_000 });
    await expect(caller.callerCall().locator('.agent-line')).toHaveText('Ada Lovelace answered');
    await expect(caller.callerCall().getByLabel('Talk time')).toHaveText(/^0:0\d$/);
    // The call has the wide column, not the side one.
    const callBox = await caller.callerCall().boundingBox();
    const sideBox = await caller.page.getByRole('region', { name: 'Call box' }).boundingBox();
    expect(callBox!.width).toBeGreaterThan(sideBox!.width * 1.5);
    expect(callBox!.x).toBeGreaterThan(sideBox!.x + sideBox!.width);
    // The Call box keeps only its form: the call is told once, in the centre.
    await expect(caller.page.locator('app-dial-box')).not.toContainText('Connected');
    // The same bar as the agent's: microphone, camera, devices, hang up.
    const controls = caller.callControls();
    for (const name of ['Mute microphone', 'Turn camera on', 'Audio and video…', 'Hang up'])
      await expect(controls.getByRole('button', { name, exact: true })).toBeVisible();
    await expect(controls.getByRole('button', { name: 'Mute microphone' })).toBeEnabled({
      timeout: 30_000,
    });

    await caller.outgoingHangUp().click();
    await expect(caller.outgoingStatus()).toHaveText('Hung up');
    await caller.callerCall().getByRole('button', { name: 'Close' }).click();
    await expect(centre).toContainText('Not on a call');
  });

  test('hold reads right on both sides: the caller is told who held the call, the agent sees "On hold" once and only her own mute and camera choices', async ({
    browser,
  }) => {
    const grace = await AgentConsole.signIn(browser, 'grace@demo.test');
    const caller = await AgentConsole.signIn(browser, 'katherine@demo.test');
    consoles = [grace, caller];
    await grace.comeOnline();
    await grace.turnOnVideoCalls();
    await caller.turnOnVideoCalls();
    await caller.dial('/private/grace');
    await grace.card('Katherine Johnson').getByRole('button', { name: 'Accept' }).click();
    await expect(caller.callerCall().locator('.agent-line')).toHaveText('Grace Hopper answered', {
      timeout: 30_000,
    });
    const status = grace.activeCall().locator('.line .status');
    await expect(status).toHaveText('Connected', { timeout: 30_000 });
    const controls = grace.callControls();
    await expect(controls.getByRole('button', { name: 'Turn camera off' })).toBeEnabled({
      timeout: 30_000,
    });
    await expect(controls.getByRole('button', { name: 'Mute microphone' })).toBeEnabled();

    await grace.activeCall().getByRole('button', { name: 'Hold' }).click();
    await expect(status).toHaveText('On hold');
    await expect(caller.outgoingStatus()).toHaveText('On hold');
    await expect(caller.callerCall().locator('.agent-line')).toHaveText(
      'Grace Hopper put you on hold',
    );
    // Nothing reaches the caller on hold: that is the hold, not a muted agent.
    await expect(caller.callMedia().locator('.remote-note')).toHaveText('');
    await expect(caller.callerCall()).not.toContainText('muted');
    // The agent: "On hold" once, the hold timer, and her own choices on Mute and Camera (the
    // hold mutes what she sends; let it land before reading the buttons).
    await expect(grace.activeCall().getByText('On hold', { exact: true })).toHaveCount(1);
    await expect(grace.activeCall().locator('app-hold-badge .timer')).toBeVisible();
    await grace.page.waitForTimeout(2_000);
    await expect(controls.getByRole('button', { name: 'Mute microphone' })).toBeVisible();
    await expect(controls.getByRole('button', { name: 'Turn camera off' })).toBeVisible();
    await expect(controls.getByRole('button', { name: /^Unmute|^Turn camera on/ })).toHaveCount(0);

    // Her own mute during the hold is hers: shown at once, and kept after the resume.
    await controls.getByRole('button', { name: 'Mute microphone' }).click();
    await expect(controls.getByRole('button', { name: 'Unmute microphone' })).toBeVisible();
    await grace.activeCall().getByRole('button', { name: 'Resume' }).click();
    await expect(status).toHaveText('Connected');
    await expect(caller.outgoingStatus()).toHaveText('Connected');
    await expect(caller.callerCall().locator('.agent-line')).toHaveText('Grace Hopper answered');
    await grace.page.waitForTimeout(1_000);
    await expect(controls.getByRole('button', { name: 'Unmute microphone' })).toBeVisible();
    await expect(controls.getByRole('button', { name: 'Turn camera off' })).toBeVisible();
    await grace.activeCall().getByRole('button', { name: 'Hang up' }).click();
  });
});

import { expect, test, type Locator } from '@playwright/test';
import { createRingGroup } from './support/admin-api';
import { AgentConsole } from './support/agent-console';

/**
 * Issue 13 §2, "Recent calls show duration, who hung up, the disposition, and call back": a
 * group call rings Ada and Grace; Grace answers and her caller hangs up. After a reload (the
 * list is read from the server), Ada's Recent calls show the call as "Missed" and Grace's as
 * "Caller hung up" with how long she talked; "Call back" on Ada's row dials the caller.
 */
const CALLER = 'Katherine Johnson';

/** The newest row of the desk's Recent calls (newest first). */
const newestRecentCall = (agent: AgentConsole): Locator =>
  agent.page.locator('app-recent-calls li').first();

test.describe('recent calls', () => {
  let consoles: AgentConsole[] = [];
  test.afterEach(async () => {
    await Promise.all(consoles.map((c) => c.close()));
    consoles = [];
  });

  test('a call Ada missed and Grace answered: "Missed" at Ada’s desk, "Caller hung up" with the talk time at Grace’s, after a reload', async ({
    browser,
    request,
  }) => {
    const address = await createRingGroup(
      request,
      'e2e-recent',
      ['ada@demo.test', 'grace@demo.test'],
      { ringTimeoutSeconds: 30, maxWaitSeconds: 60, retryIntervalSeconds: 1 },
    );
    const ada = await AgentConsole.signIn(browser, 'ada@demo.test');
    const grace = await AgentConsole.signIn(browser, 'grace@demo.test');
    const caller = await AgentConsole.signIn(browser, 'katherine@demo.test');
    consoles = [ada, grace, caller];
    await ada.comeOnline();
    await grace.comeOnline();

    await caller.dial(address);
    await expect(ada.card(CALLER)).toBeVisible();
    await grace.card(CALLER).getByRole('button', { name: 'Accept' }).click();
    await expect(grace.activeCall()).toBeVisible();
    // Long enough to talk for a second or more.
    await grace.page.waitForTimeout(1_500);
    await caller.outgoingHangUp().click();
    await expect(grace.activeCall()).toHaveCount(0);

    // Read from the server, not kept in the tab: both desks reload first.
    await Promise.all([ada.page.reload(), grace.page.reload()]);

    const missed = newestRecentCall(ada);
    await expect(missed.locator('.name')).toHaveText(CALLER);
    await expect(missed.getByTestId('recent-call-ending')).toHaveText('Missed');
    await expect(missed.locator('.duration')).toHaveCount(0);

    const answered = newestRecentCall(grace);
    await expect(answered.locator('.name')).toHaveText(CALLER);
    await expect(answered.getByTestId('recent-call-ending')).toHaveText('Caller hung up');
    await expect(answered.locator('.duration')).toHaveText(/^\d+:\d\d$/);
    const talked = await answered.locator('.duration').textContent();
    expect(talked, 'talked at least a second').not.toBe('0:00');

    // Call back dials the caller through the desk's dial path: Ada has an outgoing call to hang up.
    await missed.getByRole('button', { name: `Call back ${CALLER}` }).click();
    await expect(ada.outgoingHangUp()).toBeVisible();
    await ada.outgoingHangUp().click();
  });
});

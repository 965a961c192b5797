import { expect, test } from '@playwright/test';
import { createRingGroup } from './support/admin-api';
import { AgentConsole } from './support/agent-console';

/**
 * Issue 13, the queue view: an agent sees each of their ring groups' queues live — callers
 * waiting, the longest wait, who else is available — also while busy on a call, so they know
 * when the floor needs them. Pushed by the server, never polled.
 */
test.describe('the queue view', () => {
  let consoles: AgentConsole[] = [];
  test.afterEach(async () => {
    await Promise.all(consoles.map((c) => c.close()));
    consoles = [];
  });

  test('shows waiting callers and who else is available, live, while the agent is busy', async ({
    browser,
    request,
  }) => {
    const address = await createRingGroup(
      request,
      'e2e-queues',
      ['ada@demo.test', 'grace@demo.test'],
      { ringTimeoutSeconds: 20, maxWaitSeconds: 60, retryIntervalSeconds: 1 },
    );
    const groupName = address.replace('/group/', '');
    const ada = await AgentConsole.signIn(browser, 'ada@demo.test');
    const grace = await AgentConsole.signIn(browser, 'grace@demo.test');
    const katherine = await AgentConsole.signIn(browser, 'katherine@demo.test');
    const alan = await AgentConsole.signIn(browser, 'alan@demo.test');
    consoles = [ada, grace, katherine, alan];
    const queue = ada.page.locator(`app-queue-view [data-group="${groupName}"]`);

    // Not even online yet, Ada sees her group.
    await expect(queue).toContainText('Nobody waiting');
    await expect(queue).toContainText('Nobody else available');
    await grace.comeOnline();
    await expect(queue).toContainText('Available: Grace Hopper');

    // Ada takes a call; Grace steps away.
    await ada.comeOnline();
    await katherine.dial(address);
    await ada.card('Katherine Johnson').getByRole('button', { name: 'Accept' }).click();
    await expect(ada.activeCall()).toBeVisible();
    await grace.page.getByRole('combobox', { name: 'Presence' }).click();
    await grace.page.getByRole('option', { name: 'Away' }).click();
    await expect(queue).toContainText('Nobody else available');

    // A second caller waits: busy Ada sees it, and the wait grows.
    await alan.dial(address);
    await expect(queue).toContainText('1 waiting');
    await expect(queue).toHaveClass(/busy/);
    await expect(queue.locator('.longest')).toHaveText(/longest 0:0[2-9]/, { timeout: 10_000 });

    // Grace comes back and answers: the queue empties for Ada.
    await grace.page.getByRole('combobox', { name: 'Presence' }).click();
    await grace.page.getByRole('option', { name: 'Available' }).click();
    await grace.card('Alan Turing').getByRole('button', { name: 'Accept' }).click();
    await expect(queue).toContainText('Nobody waiting');
    await expect(queue.locator('.longest')).toHaveCount(0);

    await katherine.outgoingHangUp().click();
    await alan.outgoingHangUp().click();
  });
});

import { expect, test } from '@playwright/test';
import { AgentConsole } from './support/agent-console';

const CALLER = 'Katherine Johnson';

/**
 * Issue 13 §1, "the status line says what is true": the agent's status line (under "Come
 * online") through every state of a call: ringing, connected, on hold, consulting, back, wrap-up
 * (not "Online: calls ring here" while the server holds the agent in wrap-up), and online again.
 */
test.describe('the agent’s status line', () => {
  let consoles: AgentConsole[] = [];
  test.afterEach(async () => {
    await Promise.all(consoles.map((c) => c.close()));
    consoles = [];
  });

  test('says what is true in every state of a call, wrap-up included', async ({ browser }) => {
    const ada = await AgentConsole.signIn(browser, 'ada@demo.test');
    const grace = await AgentConsole.signIn(browser, 'grace@demo.test');
    const caller = await AgentConsole.signIn(browser, 'katherine@demo.test');
    consoles = [ada, grace, caller];
    await ada.comeOnline();
    await grace.comeOnline();
    const line = ada.page.locator('app-online-toggle .status');
    await expect(line).toContainText('Online: calls ring here');

    await caller.dial('/private/ada');
    await expect(line).toContainText(`Ringing: ${CALLER} is calling`);
    await expect(caller.page.locator('app-online-toggle .status')).toContainText(
      'Offline: calls do not ring here',
    );
    await ada.card(CALLER).getByRole('button', { name: 'Accept' }).click();
    await expect(ada.activeCall().locator('.line .status')).toHaveText('Connected', {
      timeout: 30_000,
    });
    await expect(line).toContainText(`On a call with ${CALLER}`);

    await ada.activeCall().getByRole('button', { name: 'Hold' }).click();
    await expect(line).toContainText(`On hold: ${CALLER} is waiting`);
    await ada.activeCall().getByRole('button', { name: 'Resume' }).click();
    await expect(line).toContainText(`On a call with ${CALLER}`);

    const dialog = await ada.pickTransferDestination(CALLER, 'grace', 'Grace Hopper');
    await dialog.getByRole('button', { name: 'Consult first' }).click();
    await expect(line).toContainText(`Calling Grace Hopper: ${CALLER} is on hold`);
    await grace.card('Ada Lovelace').getByRole('button', { name: 'Accept' }).click();
    await expect(line).toContainText(`Consulting Grace Hopper: ${CALLER} is on hold`, {
      timeout: 10_000,
    });
    await ada.activeCall().getByRole('button', { name: 'Cancel consultation' }).click();
    await expect(line).toContainText(`On a call with ${CALLER}`, { timeout: 10_000 });

    await ada.activeCall().getByRole('button', { name: 'Hang up' }).click();
    const panel = ada.page.locator('app-wrap-up-panel');
    await expect(panel.getByRole('heading', { name: 'Wrap-up' })).toBeVisible();
    await expect(ada.page.getByRole('combobox', { name: 'Presence' })).toContainText('Wrap-up');
    await expect(line).toContainText('Wrap-up: calls will ring when you are done');
    await expect(line).not.toContainText('calls ring here');

    await panel.getByRole('button', { name: 'Done' }).click();
    await expect(line).toContainText('Online: calls ring here');
  });
});

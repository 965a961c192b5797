import { expect, test } from '@playwright/test';
import { AgentConsole } from './support/agent-console';

/**
 * Issue 13, states an agent can trust: a reload keeps an online agent online (and rung) without
 * touching anything; losing the network says so in a banner until the connection is back.
 */
const CALLER = 'Katherine Johnson';

test.describe('the desk across reloads and network trouble', () => {
  let consoles: AgentConsole[] = [];
  test.afterEach(async () => {
    await Promise.all(consoles.map((c) => c.close()));
    consoles = [];
  });

  test('an online agent is online again after a reload, and rung', async ({ browser }) => {
    const ada = await AgentConsole.signIn(browser, 'ada@demo.test');
    const caller = await AgentConsole.signIn(browser, 'katherine@demo.test');
    consoles = [ada, caller];
    await ada.comeOnline();

    await ada.page.reload();
    await expect(ada.page.getByText('Online: calls ring here')).toBeVisible();
    await expect(ada.page.getByRole('switch', { name: 'Come online' })).toBeChecked();
    await caller.dial('/private/ada');
    await expect(ada.card(CALLER).getByRole('button', { name: 'Accept' })).toBeEnabled();
    await caller.outgoingHangUp().click();

    // Going offline by hand is kept too: the next reload stays offline.
    await ada.page.getByRole('switch', { name: 'Come online' }).click();
    await expect(ada.page.getByRole('switch', { name: 'Come online' })).not.toBeChecked();
    await ada.page.reload();
    await expect(ada.page.locator('.connection[data-state="online"]').first()).toBeVisible();
    await expect(ada.page.getByRole('switch', { name: 'Come online' })).not.toBeChecked();
  });

  test('losing the network shows a banner until the connection is back', async ({ browser }) => {
    const ada = await AgentConsole.signIn(browser, 'ada@demo.test');
    consoles = [ada];
    await ada.comeOnline();
    const banner = ada.page.locator('.connection-banner');
    await expect(banner).toBeHidden();

    await ada.page.context().setOffline(true);
    await expect(banner).toContainText('Connection lost: reconnecting');
    await expect(banner).toHaveAttribute('role', 'alert');
    await ada.page.context().setOffline(false);
    await expect(banner).toBeHidden({ timeout: 20_000 });
    await expect(ada.page.getByText('Online: calls ring here')).toBeVisible();
  });
});

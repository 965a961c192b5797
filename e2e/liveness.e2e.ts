/**
 * Liveness as the agent sees it, in a real Chromium: the console says so the moment the network
 * goes, and a short hiccup does not pull a ringing call. (A frozen tab: frozen-tab.e2e.ts.)
 */
import { expect, test } from '@playwright/test';
import { AgentConsole } from './support/agent-console';

const CALLER = 'Katherine Johnson';

test.describe('liveness', () => {
  let consoles: AgentConsole[] = [];
  test.afterEach(async () => {
    await Promise.all(consoles.map((c) => c.close()));
    consoles = [];
  });

  test('the network going shows at once; a 1.5 s hiccup keeps the ringing call', async ({
    browser,
  }) => {
    const ada = await AgentConsole.signIn(browser, 'ada@demo.test');
    const caller = await AgentConsole.signIn(browser, 'katherine@demo.test');
    consoles = [ada, caller];
    await ada.comeOnline();
    await caller.dial('/private/ada');
    await expect(ada.card(CALLER).getByRole('button', { name: 'Accept' })).toBeEnabled();

    const status = ada.page.getByRole('status').filter({ hasText: /Connected|Reconnecting/ });
    await ada.page.context().setOffline(true);
    await expect(status).toHaveText('Reconnecting', { timeout: 1_000 });
    await ada.page.waitForTimeout(1_500);
    await ada.page.context().setOffline(false);
    await expect(status).toHaveText('Connected', { timeout: 5_000 });

    await ada.card(CALLER).getByRole('button', { name: 'Accept' }).click();
    await expect(ada.activeCall()).toContainText('Connected');
    await expect(caller.outgoingStatus()).toHaveText('Connected');
    expect(ada.errors).toEqual([]);
  });
});

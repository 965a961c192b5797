import { expect, test } from '@playwright/test';
import { createRingGroup } from './support/admin-api';
import { AgentConsole } from './support/agent-console';

/**
 * Issue 13, "Missed": a call that rings out at Ada's desk sets her not ready (presence Away,
 * a banner says why) so calls stop ringing into an empty chair; one click brings her back and
 * the next call rings her again.
 */
const CALLER = 'Katherine Johnson';

test.describe('a missed call', () => {
  let consoles: AgentConsole[] = [];
  test.afterEach(async () => {
    await Promise.all(consoles.map((c) => c.close()));
    consoles = [];
  });

  test('sets the agent not ready with a banner; "I\'m back" takes calls again', async ({
    browser,
    request,
  }) => {
    const address = await createRingGroup(request, 'e2e-missed', ['ada@demo.test'], {
      ringTimeoutSeconds: 3,
      maxWaitSeconds: 8,
      retryIntervalSeconds: 1,
    });
    const ada = await AgentConsole.signIn(browser, 'ada@demo.test');
    const caller = await AgentConsole.signIn(browser, 'katherine@demo.test');
    consoles = [ada, caller];
    await ada.comeOnline();
    const banner = ada.page.locator('app-missed-call-banner').getByRole('alert');
    const presence = ada.page.getByRole('combobox', { name: 'Presence' });
    await expect(banner).toBeHidden();

    await caller.dial(address);
    await expect(ada.card(CALLER)).toBeVisible();
    // Nobody answers within the group's 3 s.
    await expect(banner).toContainText('Missed call', { timeout: 10_000 });
    await expect(presence).toContainText('Away');
    await expect(ada.ringingCards()).toHaveCount(0);
    // The retry does not ring her: the caller's call gives up at its maximum wait.
    await expect(caller.outgoingStatus()).toHaveText('No answer', { timeout: 15_000 });
    await expect(ada.ringingCards()).toHaveCount(0);

    await banner.getByRole('button', { name: "I'm back: take calls" }).click();
    await expect(banner).toBeHidden();
    await expect(presence).toContainText('Available');
    await caller.dial('/private/ada');
    await expect(ada.card(CALLER).getByRole('button', { name: 'Accept' })).toBeEnabled();
    await caller.outgoingHangUp().click();
  });
});

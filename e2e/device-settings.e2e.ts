import { expect, test } from '@playwright/test';
import { AgentConsole } from './support/agent-console';

/**
 * Issue 13 §1: the device pickers live in a settings dialog; the agent's choice survives a
 * reload and is the device the next call opens.
 */
test.describe('audio and video settings', () => {
  let consoles: AgentConsole[] = [];
  test.afterEach(async () => {
    await Promise.all(consoles.map((c) => c.close()));
    consoles = [];
  });

  test('a microphone chosen before the call is kept across a reload and used by the call', async ({
    browser,
  }) => {
    const grace = await AgentConsole.signIn(browser, 'grace@demo.test');
    const caller = await AgentConsole.signIn(browser, 'katherine@demo.test');
    consoles = [grace, caller];
    const page = grace.page;
    const settings = page.getByRole('dialog', { name: 'Audio and video' });
    const microphone = settings.getByRole('combobox', { name: 'Microphone' });

    await page.getByRole('button', { name: 'Audio and video settings' }).click();
    await expect(settings).toContainText('Your next calls use these devices.');
    await expect(microphone).toBeEnabled({ timeout: 30_000 });
    await microphone.click();
    const options = page.getByRole('option');
    // Chromium's fake devices: a default microphone and two more.
    await expect.poll(() => options.count()).toBeGreaterThan(1);
    const chosen = options.filter({ hasNotText: /default/i }).first();
    const chosenLabel = (await chosen.innerText()).trim();
    await chosen.click();
    await expect(microphone).toHaveText(chosenLabel);
    await settings.getByRole('button', { name: 'Close' }).click();
    await expect(settings).toHaveCount(0);

    await page.reload();
    await page.getByRole('button', { name: 'Audio and video settings' }).click();
    await expect(microphone).toHaveText(chosenLabel, { timeout: 30_000 });
    await settings.getByRole('button', { name: 'Close' }).click();

    await grace.comeOnline();
    await caller.dial('/private/grace');
    await grace.card('Katherine Johnson').getByRole('button', { name: 'Accept' }).click();
    const call = grace.activeCall();
    await expect(call.locator('.line .status')).toHaveText('Connected', { timeout: 30_000 });
    await expect(call.getByRole('button', { name: 'Mute microphone' })).toBeEnabled({
      timeout: 30_000,
    });
    // The call's own settings show the device its published microphone captures from.
    await call.getByRole('button', { name: 'Audio and video…' }).click();
    await expect(settings).toContainText('A change applies to this call at once');
    await expect(microphone).toHaveText(chosenLabel);
    await settings.getByRole('button', { name: 'Close' }).click();
    await call.getByRole('button', { name: 'Hang up' }).click();
    await expect(call).toContainText('Hung up', { timeout: 30_000 });
  });
});

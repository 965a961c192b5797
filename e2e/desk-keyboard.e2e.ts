import { expect, test } from '@playwright/test';
import { AgentConsole } from './support/agent-console';

/**
 * Issue 13 §3, keyboard only: an agent takes a call, mutes, holds, opens the transfer dialog
 * and hangs up without the mouse; Accept puts focus on the call; `?` lists the shortcuts, and
 * no shortcut fires while the agent types in a field.
 */
test.describe('the desk from the keyboard', () => {
  let consoles: AgentConsole[] = [];
  test.afterEach(async () => {
    await Promise.all(consoles.map((c) => c.close()));
    consoles = [];
  });

  test('accept, mute, hold, transfer and hang up with the keyboard only', async ({ browser }) => {
    const grace = await AgentConsole.signIn(browser, 'grace@demo.test');
    const caller = await AgentConsole.signIn(browser, 'katherine@demo.test');
    consoles = [grace, caller];
    const keyboard = grace.page.keyboard;
    await grace.comeOnline();

    // Typing in a field is typing: `?` goes into the field, not into a help overlay.
    const address = grace.page.getByLabel('Address');
    await address.focus();
    await keyboard.type('?');
    await expect(address).toHaveValue('?');
    await expect(grace.page.getByRole('dialog')).toHaveCount(0);
    await address.fill('');
    await address.blur();

    await keyboard.press('?');
    const help = grace.page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(help).toBeVisible();
    await expect(help).toContainText('Hang up the current call');
    await keyboard.press('Escape');
    await expect(help).toHaveCount(0);

    await caller.dial('/private/grace');
    await expect(grace.card('Katherine Johnson')).toBeVisible({ timeout: 30_000 });
    await keyboard.press('Alt+KeyA');
    const call = grace.activeCall();
    await expect(call).toBeFocused({ timeout: 30_000 });
    await expect(call).toHaveAccessibleName('Active call Katherine Johnson');
    const status = call.locator('.line .status');
    await expect(status).toHaveText('Connected', { timeout: 30_000 });

    const unmute = call.getByRole('button', { name: 'Unmute microphone' });
    const mute = call.getByRole('button', { name: 'Mute microphone' });
    await expect(mute).toBeEnabled({ timeout: 30_000 });
    await keyboard.press('Alt+KeyM');
    await expect(unmute).toBeVisible();
    await keyboard.press('Alt+KeyM');
    await expect(mute).toBeVisible();

    await keyboard.press('Alt+KeyO');
    await expect(status).toHaveText('On hold');
    await expect(caller.outgoingStatus()).toHaveText('On hold');
    await keyboard.press('Alt+KeyO');
    await expect(status).toHaveText('Connected');

    await keyboard.press('Alt+KeyT');
    const transfer = grace.page.getByRole('dialog', { name: 'Transfer Katherine Johnson' });
    await expect(transfer).toBeVisible();
    await keyboard.press('Escape');
    await expect(transfer).toHaveCount(0);

    await keyboard.press('Alt+KeyH');
    await expect(caller.outgoingStatus()).toHaveText('Hung up', { timeout: 30_000 });
    await expect(call).toContainText('Hung up');
  });
});

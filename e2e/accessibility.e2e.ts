import { expect, test } from '@playwright/test';
import { createRingGroup } from './support/admin-api';
import { AgentConsole } from './support/agent-console';
import { expectNoSeriousViolations } from './support/axe';

/**
 * Issue 13 §3: no serious or critical axe-core violations on any page, in the states an agent
 * or supervisor actually sees (a ringing card, a call, open dialogs), at desktop width and at
 * 360 px.
 */
test.describe('accessibility (axe-core)', () => {
  let consoles: AgentConsole[] = [];
  test.afterEach(async () => {
    await Promise.all(consoles.map((c) => c.close()));
    consoles = [];
  });

  test('sign-in', async ({ page }) => {
    await page.goto('/sign-in');
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    await expectNoSeriousViolations(page, 'the sign-in page');
    // A refused sign-in shows its error.
    await page.getByLabel('Tenant').fill('demo');
    await page.getByLabel('Email').fill('nobody@demo.test');
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toBeVisible();
    await expectNoSeriousViolations(page, 'the sign-in page with its error');
  });

  test('the desk: idle, ringing, on a call, the help overlay and the dialogs', async ({
    browser,
    request,
  }) => {
    // Each axe-core pass takes seconds on a busy machine, and this one makes a dozen.
    test.setTimeout(300_000);
    // A group that rings long enough for the checks made while it rings.
    const group = await createRingGroup(request, 'e2e-axe', ['grace@demo.test'], {
      ringTimeoutSeconds: 180,
      maxWaitSeconds: 180,
      retryIntervalSeconds: 5,
    });
    const grace = await AgentConsole.signIn(browser, 'grace@demo.test');
    const caller = await AgentConsole.signIn(browser, 'katherine@demo.test');
    consoles = [grace, caller];
    await expectNoSeriousViolations(grace.page, 'the desk, offline');
    await grace.comeOnline();
    await expectNoSeriousViolations(grace.page, 'the desk, online');

    await caller.dial(group);
    const card = grace.card('Katherine Johnson');
    await expect(card.getByRole('button', { name: 'Accept' })).toBeEnabled({ timeout: 30_000 });
    await expectNoSeriousViolations(grace.page, 'the desk with a ringing card');
    await expectNoSeriousViolations(caller.page, 'the caller’s desk while calling');

    await card.getByRole('button', { name: 'Accept' }).click();
    const status = grace.activeCall().locator('.line .status');
    await expect(status).toHaveText('Connected', { timeout: 30_000 });
    await expect(grace.activeCall().getByRole('button', { name: 'Mute microphone' })).toBeEnabled({
      timeout: 30_000,
    });
    await expectNoSeriousViolations(grace.page, 'the desk on a call');
    await expectNoSeriousViolations(caller.page, 'the caller’s desk on a call');

    await grace.activeCall().getByRole('button', { name: 'Hold' }).click();
    await expect(status).toHaveText('On hold');
    await expectNoSeriousViolations(grace.page, 'the desk with the call on hold');

    await grace.activeCall().getByRole('button', { name: 'Transfer', exact: true }).click();
    const transfer = grace.page.getByRole('dialog', { name: 'Transfer Katherine Johnson' });
    await expect(transfer).toBeVisible();
    await expectNoSeriousViolations(grace.page, 'the transfer dialog');
    await grace.page.keyboard.press('Escape');
    await expect(transfer).toHaveCount(0);

    await grace.activeCall().getByRole('button', { name: 'Audio and video…' }).click();
    const settings = grace.page.getByRole('dialog', { name: 'Audio and video' });
    await expect(settings.getByRole('combobox', { name: 'Microphone' })).toBeEnabled();
    await expectNoSeriousViolations(grace.page, 'the audio and video settings');
    await grace.page.keyboard.press('Escape');
    await expect(settings).toHaveCount(0);

    await grace.page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
    const help = grace.page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(help).toBeVisible();
    await expectNoSeriousViolations(grace.page, 'the keyboard shortcuts overlay');
    await grace.page.keyboard.press('Escape');

    await grace.activeCall().getByRole('button', { name: 'Hang up' }).click();
    await expect(grace.activeCall()).toContainText('Hung up', { timeout: 30_000 });
    await expectNoSeriousViolations(grace.page, 'the desk in wrap-up');
  });

  test('the desk at 360 px with a ringing card', async ({ browser }) => {
    const ada = await AgentConsole.signIn(browser, 'ada@demo.test', undefined, {
      viewport: { width: 360, height: 740 },
      hasTouch: true,
      isMobile: true,
    });
    const caller = await AgentConsole.signIn(browser, 'katherine@demo.test');
    consoles = [ada, caller];
    await ada.comeOnline();
    await caller.dial('/private/ada');
    await expect(ada.card('Katherine Johnson')).toBeVisible({ timeout: 30_000 });
    await expectNoSeriousViolations(ada.page, 'the desk at 360 px with a ringing card');
  });

  test('supervisor, history, reports and admin', async ({ browser }) => {
    const admin = await AgentConsole.signIn(browser, 'admin@demo.test');
    consoles = [admin];
    const page = admin.page;

    await page.getByRole('link', { name: 'Supervisor' }).click();
    await expect(page.locator('.feed-state[data-state="live"]')).toBeVisible({ timeout: 30_000 });
    await expectNoSeriousViolations(page, 'the supervisor view');

    await page.getByRole('link', { name: 'History' }).click();
    await expect(page.getByRole('heading', { name: 'Call history', level: 1 })).toBeVisible();
    await expectNoSeriousViolations(page, 'history');

    await page.getByRole('link', { name: 'Reports' }).click();
    await expect(page.getByRole('heading', { name: 'Reports', level: 1 })).toBeVisible();
    await expectNoSeriousViolations(page, 'reports');

    await page.getByRole('link', { name: 'Admin' }).click();
    await expect(page.getByRole('heading', { name: 'Admin', level: 1 })).toBeVisible();
    await expectNoSeriousViolations(page, 'the admin console');
  });

  test('an agent refused the supervisor view', async ({ browser }) => {
    const ada = await AgentConsole.signIn(browser, 'ada@demo.test');
    consoles = [ada];
    await ada.page.goto('/supervisor');
    await expect(ada.page.getByRole('link', { name: /back/i })).toBeVisible({ timeout: 30_000 });
    await expectNoSeriousViolations(ada.page, 'the not-allowed page');
  });
});

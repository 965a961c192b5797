import { expect, test, type Browser, type Page } from '@playwright/test';
import { DEMO_PASSWORD, DEMO_TENANT } from './support/agent-console';

/**
 * Issue 13 §4, where a sign-in lands: supervisors on /supervisor, admins on /admin (their daily
 * page), agents on the desk, which stays one click away in the header; a deep link still wins.
 */
async function signIn(page: Page, email: string): Promise<void> {
  await page.getByLabel('Tenant').fill(DEMO_TENANT);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function freshPage(browser: Browser): Promise<Page> {
  return (await browser.newContext()).newPage();
}

test.describe('landing after sign-in', () => {
  test('each role lands on its daily page; the desk is one click away', async ({ browser }) => {
    const landings = [
      { email: 'sam@demo.test', path: '/supervisor' },
      { email: 'admin@demo.test', path: '/admin' },
      { email: 'ada@demo.test', path: '/' },
    ];
    for (const { email, path } of landings) {
      const page = await freshPage(browser);
      await page.goto('/sign-in');
      await signIn(page, email);
      await expect(page).toHaveURL((url) => url.pathname === path);
      await page
        .getByRole('navigation', { name: 'Pages' })
        .getByRole('link', { name: 'Console' })
        .click();
      await expect(page.getByRole('switch', { name: 'Come online' })).toBeVisible();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
      await page.context().close();
    }
  });

  test('a deep link wins over the daily page', async ({ browser }) => {
    const page = await freshPage(browser);
    await page.goto('/history');
    await expect(page).toHaveURL(/\/sign-in\?returnUrl=%2Fhistory$/);
    await signIn(page, 'sam@demo.test');
    await expect(page).toHaveURL((url) => url.pathname === '/history');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.context().close();
  });
});

import { expect, test, type Page } from '@playwright/test';
import { AgentConsole } from './support/agent-console';

const phone = { viewport: { width: 360, height: 640 }, hasTouch: true, isMobile: true };

/** The page does not scroll sideways: everything reflows into 360 px. */
const expectNoSidewaysScroll = async (page: Page) =>
  expect
    .poll(() => page.evaluate(() => document.documentElement.scrollWidth))
    .toBeLessThanOrEqual(360);

/**
 * Issue 13 §3 at 360 px on a touch phone: the ringing call, then the current call, are first on
 * screen, the call's buttons stay in reach while scrolling, keyboard hints are hidden, and the
 * supervisor's tables reflow instead of scrolling sideways.
 */
test.describe('the desk at 360 px on a touch screen', () => {
  let consoles: AgentConsole[] = [];
  test.afterEach(async () => {
    await Promise.all(consoles.map((c) => c.close()));
    consoles = [];
  });

  test('the call comes first, its buttons stay on screen, no keyboard hints', async ({
    browser,
  }) => {
    // A short screen, so the call (its media and controls) is taller than what shows.
    const ada = await AgentConsole.signIn(browser, 'ada@demo.test', undefined, {
      ...phone,
      viewport: { width: 360, height: 480 },
    });
    const caller = await AgentConsole.signIn(browser, 'katherine@demo.test');
    consoles = [ada, caller];
    const page = ada.page;
    expect(await page.evaluate(() => matchMedia('(hover: none)').matches)).toBe(true);
    await ada.comeOnline();
    await expect(page.locator('app-ringing-queue .shortcuts')).toBeHidden();
    await expect(page.getByRole('button', { name: 'Keyboard shortcuts' })).toBeHidden();
    await expectNoSidewaysScroll(page);

    await caller.dial('/private/ada');
    const card = ada.card('Katherine Johnson');
    await expect(card).toBeVisible({ timeout: 30_000 });
    await page.evaluate(() => window.scrollTo(0, 0));
    // First on screen: above the agent's own status, and its Accept reachable without scrolling.
    await expect(card.getByRole('button', { name: 'Accept' })).toBeInViewport();
    const cardTop = (await card.boundingBox())!.y;
    const statusTop = (await page.getByRole('heading', { name: 'Your status' }).boundingBox())!.y;
    expect(cardTop).toBeLessThan(statusTop);
    await expect(card.locator('kbd')).toHaveCount(2);
    for (const hint of await card.locator('kbd').all()) await expect(hint).toBeHidden();

    await card.getByRole('button', { name: 'Accept' }).click();
    const call = ada.activeCall();
    await expect(call.locator('.line .status')).toHaveText('Connected', { timeout: 30_000 });
    await expect(call.getByRole('button', { name: 'Mute microphone' })).toBeEnabled({
      timeout: 30_000,
    });
    await page.evaluate(() => window.scrollTo(0, 0));
    const callTop = (await call.boundingBox())!.y;
    expect(callTop).toBeLessThan(
      (await page.getByRole('heading', { name: 'Your status' }).boundingBox())!.y,
    );
    // The call reaches below the screen (its bar would be off it), yet Hang up stays on it, also
    // while the agent scrolls.
    expect(callTop + (await call.boundingBox())!.height).toBeGreaterThan(480);
    const hangUp = call.getByRole('button', { name: 'Hang up' });
    await expect(hangUp).toBeInViewport();
    await page.evaluate((top) => window.scrollTo(0, top + 200), callTop);
    await expect(hangUp).toBeInViewport();
    await expectNoSidewaysScroll(page);
    await hangUp.click();
    await expect(call).toContainText('Hung up', { timeout: 30_000 });
  });

  test('the supervisor’s tables reflow', async ({ browser }) => {
    const sam = await AgentConsole.signIn(browser, 'sam@demo.test', undefined, phone);
    consoles = [sam];
    await sam.page.goto('/supervisor');
    await expect(sam.page.locator('.feed-state[data-state="live"]')).toBeVisible({
      timeout: 30_000,
    });
    const ada = sam.page.locator('app-agent-list [data-agent-id]').filter({ hasText: 'Ada' });
    await expect(ada).toBeVisible();
    // Both tables fit the screen: their rows became cards instead of running off the right.
    for (const table of ['app-agent-list', 'app-live-calls']) {
      const box = (await sam.page.locator(table).boundingBox())!;
      expect(box.x + box.width, table).toBeLessThanOrEqual(360);
      const overflow = await sam.page
        .locator(`${table} .table`)
        .evaluate((element) => element.scrollWidth - element.clientWidth);
      expect(overflow, table).toBeLessThanOrEqual(0);
    }
    // Every figure of a row is readable: nothing cut off with an ellipsis.
    for (const cell of await ada.getByRole('cell').all()) {
      const clipped = await cell.evaluate((element) => element.scrollWidth > element.clientWidth);
      expect(clipped, await cell.innerText()).toBe(false);
    }
  });
});

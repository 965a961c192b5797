import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { DEMO_API_KEY } from './support/admin-api';
import { AgentConsole } from './support/agent-console';

/**
 * Refreshes docs/screenshots/ from the running product. Not part of `npm test`:
 *   SCREENSHOTS=1 npx playwright test console-screenshots
 */
test.skip(!process.env['SCREENSHOTS'], 'set SCREENSHOTS=1 to refresh docs/screenshots');

const shots = 'docs/screenshots';

/**
 * A whole page from its top: a click lower down scrolls the window, and a full-page shot of a
 * scrolled window paints the sticky header across the middle of the picture.
 */
async function shootWholePage(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${shots}/${name}`, fullPage: true });
}

async function placeCall(
  request: APIRequestContext,
  name: string,
  address: string,
): Promise<string> {
  const response = await request.post('/api/calls', {
    headers: { authorization: `Bearer ${DEMO_API_KEY}` },
    data: { from: { name, address }, to: '/group/support' },
  });
  expect(response.status()).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`console screenshots (${colorScheme})`, async ({ browser, request }) => {
    // Three consoles, a queue and six shots: longer than a scenario's 90 s on a busy machine.
    test.setTimeout(240_000);
    const suffix = colorScheme === 'dark' ? '-dark' : '';
    const ada = await AgentConsole.signIn(browser, 'ada@demo.test', 'demo', { colorScheme });
    const grace = await AgentConsole.signIn(browser, 'grace@demo.test', 'demo', { colorScheme });
    await ada.comeOnline();
    await grace.comeOnline();

    // Katherine calls from her console, so the answered call has media (audio) on both sides.
    const katherine = await AgentConsole.signIn(browser, 'katherine@demo.test', 'demo', {
      colorScheme,
    });
    await katherine.dial('/group/support');
    await ada.page.waitForTimeout(3_000);
    const second = await placeCall(request, 'Dorothy Vaughan', '+1 555 0142');
    await expect(ada.ringingCards()).toHaveCount(2);
    await ada.page.waitForTimeout(1_200);
    await ada.page.screenshot({ path: `${shots}/ringing-card${suffix}.png` });

    await grace.card('Katherine Johnson').getByRole('button', { name: 'Accept' }).click();
    await expect(ada.card('Katherine Johnson')).toContainText('Answered by Grace Hopper');
    await ada.page.screenshot({ path: `${shots}/answered-elsewhere-card${suffix}.png` });

    await expect(grace.activeCall()).toContainText('Connected', { timeout: 30_000 });
    await grace.page.waitForTimeout(2_200);
    await grace.page.screenshot({ path: `${shots}/active-call${suffix}.png` });

    if (colorScheme === 'light') {
      // The supervisor sees the call connected, with its group's figures.
      const sam = await AgentConsole.signIn(browser, 'sam@demo.test', 'demo', { colorScheme });
      await sam.page.goto('/supervisor');
      await expect(sam.page.locator('.feed-state[data-state="live"]')).toBeVisible();
      await expect(sam.page.locator('[data-call-id][data-status="connected"]')).toHaveCount(1);
      await shootWholePage(sam.page, 'supervisor.png');
      await sam.close();

      await grace.page.keyboard.press('?');
      await expect(grace.page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
      await grace.page.waitForTimeout(500);
      await grace.page.screenshot({ path: `${shots}/keyboard-shortcuts.png` });
      await grace.page.keyboard.press('Escape');

      await grace.page.setViewportSize({ width: 360, height: 800 });
      await grace.page.evaluate(() => window.scrollTo(0, 0));
      await grace.page.waitForTimeout(500);
      await grace.page.screenshot({ path: `${shots}/active-call-360px.png` });

      await ada.page.setViewportSize({ width: 360, height: 800 });
      await ada.page.locator('app-ringing-queue').scrollIntoViewIfNeeded();
      await ada.page.screenshot({ path: `${shots}/ringing-card-360px.png` });
    }

    await katherine.outgoingHangUp().click();
    await request.post(`/api/calls/${second}/hangup`, {
      headers: { authorization: `Bearer ${DEMO_API_KEY}` },
    });
    await ada.close();
    await grace.close();
    await katherine.close();
  });
}

test('video call screenshots', async ({ browser }) => {
  const ada = await AgentConsole.signIn(browser, 'ada@demo.test');
  const katherine = await AgentConsole.signIn(browser, 'katherine@demo.test');
  await ada.comeOnline();
  await ada.turnOnVideoCalls();
  await katherine.turnOnVideoCalls();

  await katherine.dial('/private/ada');
  await ada.card('Katherine Johnson').getByRole('button', { name: 'Accept' }).click();
  await expect(ada.activeCall()).toContainText('Connected', { timeout: 30_000 });
  for (const side of [ada, katherine]) {
    await expect(side.remoteVideo()).toBeVisible({ timeout: 30_000 });
    await expect
      .poll(async () => (await side.remoteVideoFrames()).videoWidth, { timeout: 30_000 })
      .toBeGreaterThan(0);
  }
  // A few seconds of talk time, and past the encoder's first blurry frames.
  await ada.page.waitForTimeout(3_000);
  await shootWholePage(ada.page, 'video-call.png');
  // The caller's own console: the call in its centre, who answered, the control bar.
  await expect(katherine.callerCall()).toContainText('Ada Lovelace answered');
  await shootWholePage(katherine.page, 'video-call-caller.png');

  // Hold on both sides: "On hold" once for the agent, with her own mute and camera choices;
  // the caller told who put the call on hold.
  await ada.activeCall().getByRole('button', { name: 'Hold' }).click();
  await expect(katherine.callerCall()).toContainText('Ada Lovelace put you on hold');
  await ada.page.waitForTimeout(2_000);
  await shootWholePage(ada.page, 'hold-agent.png');
  await shootWholePage(katherine.page, 'hold-caller.png');
  await ada.activeCall().getByRole('button', { name: 'Resume' }).click();

  // Wrap-up: the panel and a status line that says so.
  await ada.activeCall().getByRole('button', { name: 'Hang up' }).click();
  await expect(ada.page.locator('app-online-toggle .status')).toContainText('Wrap-up');
  await ada.page.waitForTimeout(500);
  await shootWholePage(ada.page, 'wrap-up.png');
  await ada.close();
  await katherine.close();
});

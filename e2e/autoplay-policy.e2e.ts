import { expect, test, type Locator } from '@playwright/test';
import { chromiumFlags, chromiumPath } from './support/chromium-flags';
import { AgentConsole } from './support/agent-console';

/**
 * Every other browser test starts Chromium with `--autoplay-policy=no-user-gesture-required`,
 * which plays any video whatever the page does. People's browsers keep the default policy, under
 * which only a muted video may start without a gesture on the page: a new user's first call
 * showed the caller's own camera preview as a black, paused box. This file runs the call under
 * the default policy and checks that every video on both sides actually plays.
 */
test.use({
  launchOptions: {
    executablePath: chromiumPath,
    args: chromiumFlags.filter((flag) => !flag.startsWith('--autoplay-policy')),
  },
});

/** How far the element's playback moves in one second (0 while it is paused). */
async function secondsPlayedInOneSecond(video: Locator): Promise<number> {
  const at = () => video.evaluate((element) => (element as HTMLVideoElement).currentTime);
  const before = await at();
  await video.page().waitForTimeout(1_000);
  return (await at()) - before;
}

test('under the browser’s default autoplay policy both previews and both remote videos play', async ({
  browser,
}) => {
  const agent = await AgentConsole.signIn(browser, 'ada@demo.test');
  const caller = await AgentConsole.signIn(browser, 'katherine@demo.test');
  try {
    await agent.comeOnline();
    await agent.turnOnVideoCalls();
    await caller.turnOnVideoCalls();
    await caller.dial('/private/ada');
    await agent.card('Katherine Johnson').getByRole('button', { name: 'Accept' }).click();
    await expect(caller.outgoingStatus()).toHaveText('Connected', { timeout: 30_000 });

    const deadline = { timeout: 30_000, intervals: [500] };
    for (const [name, side] of [
      ['caller', caller],
      ['agent', agent],
    ] as const) {
      for (const [which, video] of [
        ['own preview', side.localVideo()],
        ['remote video', side.remoteVideo()],
      ] as const) {
        await expect(video).toBeVisible({ timeout: 30_000 });
        await expect
          .poll(() => secondsPlayedInOneSecond(video), {
            ...deadline,
            message: `the ${name}'s ${which} plays`,
          })
          .toBeGreaterThan(0.5);
      }
    }
  } finally {
    await Promise.all([agent.close(), caller.close()]);
  }
});

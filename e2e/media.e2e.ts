import { expect, test } from '@playwright/test';
import { AgentConsole, type CallMediaStats } from './support/agent-console';

/**
 * Issue 4 §4: real media between two consoles through the embedded media server, with
 * Chromium's fake camera and microphone. Every wait polls against a deadline: on a loaded
 * 2-core machine ICE, DTLS and the first keyframe can take seconds.
 */
const CALLER = 'Katherine Johnson';
const MEDIA_DEADLINE = { timeout: 30_000, intervals: [250] };

/** The one call's figures in this tab (fails the poll while there is none). */
async function statsOf(console: AgentConsole): Promise<CallMediaStats> {
  const [stats] = await console.mediaStats();
  if (!stats) throw new Error('no call media in this tab');
  return stats;
}

/** Waits until the remote video decodes frames and keeps decoding them. */
async function expectRemoteVideoDecoding(console: AgentConsole): Promise<void> {
  await expect(console.remoteVideo()).toBeVisible({ timeout: 30_000 });
  await expect
    .poll(async () => (await console.remoteVideoFrames()).videoWidth, MEDIA_DEADLINE)
    .toBeGreaterThan(0);
  const first = (await statsOf(console)).inbound.video.framesDecoded;
  await expect
    .poll(async () => (await statsOf(console)).inbound.video.framesDecoded, MEDIA_DEADLINE)
    .toBeGreaterThan(first + 10);
}

/** How many audio bytes arrive in `ms` (the RTP payload of the other side's microphone). */
async function audioBytesIn(console: AgentConsole, ms: number): Promise<number> {
  const before = (await statsOf(console)).inbound.audio.bytesReceived;
  await console.page.waitForTimeout(ms);
  return (await statsOf(console)).inbound.audio.bytesReceived - before;
}

async function expectAudioArriving(console: AgentConsole): Promise<void> {
  await expect
    .poll(async () => (await statsOf(console)).inbound.audio.bytesReceived, MEDIA_DEADLINE)
    .toBeGreaterThan(0);
  await expect.poll(() => audioBytesIn(console, 1_000), MEDIA_DEADLINE).toBeGreaterThan(1_000);
}

test.describe('media in the console', () => {
  let consoles: AgentConsole[] = [];
  test.afterEach(async () => {
    await Promise.all(consoles.map((c) => c.close()));
    consoles = [];
  });

  test('a video call: both sides decode video and hear audio; mute silences; hang up ends both', async ({
    browser,
  }) => {
    const agent = await AgentConsole.signIn(browser, 'ada@demo.test');
    const caller = await AgentConsole.signIn(browser, 'katherine@demo.test');
    consoles = [agent, caller];
    await agent.comeOnline();
    await agent.turnOnVideoCalls();
    await caller.turnOnVideoCalls();

    await caller.dial('/private/ada');
    await agent.card(CALLER).getByRole('button', { name: 'Accept' }).click();

    // Connecting until the other side's media arrives, then connected on both sides.
    await expect(agent.activeCall()).toContainText('Connected', { timeout: 30_000 });
    await expect(caller.outgoingStatus()).toHaveText('Connected', { timeout: 30_000 });
    await Promise.all([expectRemoteVideoDecoding(agent), expectRemoteVideoDecoding(caller)]);
    await Promise.all([expectAudioArriving(agent), expectAudioArriving(caller)]);

    // Remote video plays its sound; the local preview is muted; both inline and autoplaying.
    for (const side of [agent, caller]) {
      await expect(side.remoteVideo()).toHaveJSProperty('muted', false);
      await expect(side.remoteVideo()).toHaveAttribute('playsinline', '');
      await expect(side.remoteVideo()).toHaveAttribute('autoplay', '');
      await expect(side.localVideo()).toHaveJSProperty('muted', true);
      await expect(side.localVideo()).toHaveAttribute('playsinline', '');
    }
    await expect(agent.remoteVideo()).toHaveAttribute('aria-label', `Video of ${CALLER}`);

    // The caller mutes: the agent sees it and the caller's audio stops arriving.
    const unmutedBytes = await audioBytesIn(agent, 2_000);
    await caller.callControls().getByRole('button', { name: 'Mute microphone' }).click();
    await expect(
      caller.callControls().getByRole('button', { name: 'Unmute microphone' }),
    ).toBeVisible();
    await expect(agent.callMedia()).toContainText(`${CALLER} is muted`, { timeout: 10_000 });
    await expect.poll(async () => (await statsOf(agent)).remoteMicrophoneMuted).toBe(true);
    await expect
      .poll(() => audioBytesIn(agent, 2_000), MEDIA_DEADLINE)
      .toBeLessThan(Math.max(200, unmutedBytes / 10));
    await caller.callControls().getByRole('button', { name: 'Unmute microphone' }).click();
    await expect.poll(() => audioBytesIn(agent, 1_000), MEDIA_DEADLINE).toBeGreaterThan(1_000);

    // The agent turns the camera off: the caller sees the avatar instead of video.
    await agent.callControls().getByRole('button', { name: 'Turn camera off' }).click();
    await expect(caller.callMedia().locator('.avatar')).toHaveText('AL', { timeout: 10_000 });
    await expect(caller.remoteVideo()).toHaveCount(0);
    await agent.callControls().getByRole('button', { name: 'Turn camera on' }).click();
    await expectRemoteVideoDecoding(caller);

    // Hang up: the call ends on both sides, and both leave the room within a second.
    await agent.activeCall().getByRole('button', { name: 'Hang up' }).click();
    const hungUpAt = Date.now();
    await expect(caller.outgoingStatus()).toHaveText('Hung up');
    await expect.poll(() => agent.mediaStats(), { timeout: 1_000, intervals: [50] }).toEqual([]);
    await expect.poll(() => caller.mediaStats(), { timeout: 1_000, intervals: [50] }).toEqual([]);
    expect(Date.now() - hungUpAt).toBeLessThan(2_000);
    await expect(agent.activeCall()).toContainText('Hung up');
    await expect(agent.callMedia()).toHaveCount(0);
    await expect(caller.callMedia()).toHaveCount(0);
  });

  test('an audio-only call shows an avatar and a moving level meter; the agent can pick devices', async ({
    browser,
  }) => {
    const agent = await AgentConsole.signIn(browser, 'ada@demo.test');
    const caller = await AgentConsole.signIn(browser, 'katherine@demo.test');
    consoles = [agent, caller];
    await agent.comeOnline();

    await caller.dial('/private/ada');
    await agent.card(CALLER).getByRole('button', { name: 'Accept' }).click();
    await expect(agent.activeCall()).toContainText('Connected', { timeout: 30_000 });
    await expectAudioArriving(agent);

    const media = agent.callMedia();
    await expect(media.locator('.avatar')).toHaveText('KJ');
    await expect(media.locator('video')).toHaveCount(0);
    // Chromium's fake microphone beeps: the meter moves.
    const meter = media.getByRole('meter', { name: `${CALLER}’s audio level` });
    await expect
      .poll(async () => Number(await meter.getAttribute('aria-valuenow')), MEDIA_DEADLINE)
      .toBeGreaterThan(0);

    // One bar holds every control of the call: what this tab sends, then what the caller gets.
    await expect(agent.callControls().getByRole('button')).toHaveText([
      'Mute microphone',
      'Turn camera on',
      'Audio and video…',
      'Hold',
      'Transfer',
      'Hang up',
    ]);
    await expect(media.getByRole('button')).toHaveCount(0);
    await expect(
      agent.callControls().getByRole('button', { name: 'Turn camera on' }),
    ).toBeEnabled();
    // The device pickers are in the call's "Audio and video" settings.
    await agent.callControls().getByRole('button', { name: 'Audio and video…' }).click();
    const settings = agent.page.getByRole('dialog', { name: 'Audio and video' });
    const microphone = settings.getByRole('combobox', { name: 'Microphone' });
    await expect(microphone).toBeEnabled();
    await microphone.click();
    const options = agent.page.getByRole('option');
    await expect(options.first()).toBeVisible();
    expect(await options.count()).toBeGreaterThan(0);
    await options.last().click();
    await expect(settings.getByRole('combobox', { name: 'Camera' })).toBeVisible();
    await expect(settings.getByRole('combobox', { name: 'Speaker' })).toBeVisible();
    await settings.getByRole('button', { name: 'Close' }).click();
    await expect(media.getByRole('alert')).toHaveCount(0);
    // Switching the microphone keeps the call and its audio.
    await expectAudioArriving(caller);
    await expect(agent.activeCall()).toContainText('Connected');

    await caller.outgoingHangUp().click();
    await expect(agent.activeCall()).toContainText('Caller hung up');
  });

  test('closing the caller’s tab ends the agent’s call with "Caller hung up"', async ({
    browser,
  }) => {
    const agent = await AgentConsole.signIn(browser, 'ada@demo.test');
    const caller = await AgentConsole.signIn(browser, 'katherine@demo.test');
    consoles = [agent];
    await agent.comeOnline();

    await caller.dial('/private/ada');
    await agent.card(CALLER).getByRole('button', { name: 'Accept' }).click();
    await expect(agent.activeCall()).toContainText('Connected', { timeout: 30_000 });
    await expectAudioArriving(agent);

    await caller.page.close({ runBeforeUnload: true });
    await caller.page.context().close();
    // A closed page cannot be told from a reload: its call waits SESSION_RELOAD_GRACE_SECONDS
    // (8) for the page to come back, then ends as a hang-up.
    await expect(agent.activeCall()).toContainText('Caller hung up', { timeout: 15_000 });
    await expect.poll(() => agent.mediaStats(), { timeout: 2_000 }).toEqual([]);
    expect(caller.errors).toEqual([]);
  });
});

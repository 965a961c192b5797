import { expect, test } from '@playwright/test';
import { DEMO_API_KEY } from './support/admin-api';
import { AgentConsole, type CallMediaStats } from './support/agent-console';

/**
 * Issue 5 §3: the seeds' quick verification in Switchboard's terms. An agent comes online, a
 * server places a call with the demo API key and a media script, the agent accepts, and the
 * script participant's test pattern (VP8, encoded by ffmpeg) decodes in the agent's remote
 * `<video>` while its tone arrives as audio; the script's hangup then ends the agent's call.
 */
const CALLER = 'Test Pattern';
const PLAY_SECONDS = 15;
const MEDIA_DEADLINE = { timeout: 30_000, intervals: [250] };

async function statsOf(console: AgentConsole): Promise<CallMediaStats> {
  const [stats] = await console.mediaStats();
  if (!stats) throw new Error('no call media in this tab');
  return stats;
}

test.describe('server-side dial with a media script', () => {
  let agent: AgentConsole | undefined;
  test.afterEach(async () => {
    await agent?.close();
    agent = undefined;
  });

  test('the agent sees the test pattern, hears the tone, and the script hangs up', async ({
    browser,
    request,
  }) => {
    agent = await AgentConsole.signIn(browser, 'ada@demo.test');
    await agent.comeOnline();

    const placed = await request.post('/api/calls', {
      headers: { authorization: `Bearer ${DEMO_API_KEY}` },
      data: {
        from: CALLER,
        to: '/private/ada',
        script: [{ play: 'test-pattern', seconds: PLAY_SECONDS }, { hangup: true }],
      },
    });
    expect(placed.status(), await placed.text()).toBe(201);

    await agent.card(CALLER).getByRole('button', { name: 'Accept' }).click();
    await expect(agent.activeCall()).toContainText('Connected', { timeout: 30_000 });
    const acceptedAt = Date.now();

    // The remote <video> decodes the test pattern, and keeps decoding it.
    await expect(agent.remoteVideo()).toBeVisible({ timeout: 30_000 });
    await expect
      .poll(async () => (await agent!.remoteVideoFrames()).videoWidth, MEDIA_DEADLINE)
      .toBeGreaterThan(0);
    await expect(agent.remoteVideo()).toHaveJSProperty('muted', false);
    const first = (await statsOf(agent)).inbound.video.framesDecoded;
    await expect
      .poll(async () => (await statsOf(agent!)).inbound.video.framesDecoded, MEDIA_DEADLINE)
      .toBeGreaterThan(first + 10);
    expect((await statsOf(agent)).inbound.video.frameWidth).toBe(640);

    // The tone arrives as audio bytes, rising.
    const audioBytes = async () => (await statsOf(agent!)).inbound.audio.bytesReceived;
    const firstAudio = await audioBytes();
    await expect.poll(audioBytes, MEDIA_DEADLINE).toBeGreaterThan(firstAudio + 2_000);

    // The script's hangup ends the agent's call: the caller hung up, media is gone.
    await expect(agent.activeCall()).toContainText('Caller hung up', {
      timeout: (PLAY_SECONDS + 20) * 1000,
    });
    expect(Date.now() - acceptedAt).toBeGreaterThan((PLAY_SECONDS - 5) * 1000);
    await expect.poll(() => agent!.mediaStats(), { timeout: 5_000 }).toEqual([]);
  });

  test('transferred to a group, the test pattern reaches the agent who takes it; the first agent is free', async ({
    browser,
    request,
  }) => {
    const grace = await AgentConsole.signIn(browser, 'grace@demo.test');
    await grace.comeOnline();
    agent = await AgentConsole.signIn(browser, 'ada@demo.test');
    await agent.comeOnline();
    const placed = await request.post('/api/calls', {
      headers: { authorization: `Bearer ${DEMO_API_KEY}` },
      data: { from: CALLER, to: '/private/ada', script: [{ play: 'test-pattern', seconds: 120 }] },
    });
    expect(placed.status(), await placed.text()).toBe(201);
    await agent.card(CALLER).getByRole('button', { name: 'Accept' }).click();
    await expect(agent.activeCall()).toContainText('Connected', { timeout: 30_000 });
    await expect
      .poll(async () => (await agent!.remoteVideoFrames()).videoWidth, MEDIA_DEADLINE)
      .toBeGreaterThan(0);

    const dialog = await agent.pickTransferDestination(CALLER, 'support', 'support');
    await dialog.getByRole('button', { name: 'Transfer now' }).click();
    const card = grace.card(CALLER);
    await expect(card).toContainText('Transferred by Ada Lovelace', { timeout: 10_000 });
    await card.getByRole('button', { name: 'Accept' }).click();
    await expect(grace.activeCall()).toContainText('Connected', { timeout: 30_000 });

    // The script participant never left the room: Grace decodes the same pattern.
    await expect
      .poll(async () => (await grace.remoteVideoFrames()).videoWidth, MEDIA_DEADLINE)
      .toBe(640);
    const first = (await statsOf(grace)).inbound.video.framesDecoded;
    await expect
      .poll(async () => (await statsOf(grace)).inbound.video.framesDecoded, MEDIA_DEADLINE)
      .toBeGreaterThan(first + 10);

    // Ada's call UI is gone and her media left the room.
    await expect(agent.activeCall()).toBeHidden({ timeout: 15_000 });
    await expect.poll(() => agent!.mediaStats(), MEDIA_DEADLINE).toEqual([]);

    await grace.activeCall().getByRole('button', { name: 'Hang up' }).click();
    await expect(grace.activeCall()).toBeHidden({ timeout: 15_000 });
    await grace.close();
  });

  test('a bad script is refused with a clear message and rings nobody', async ({
    browser,
    request,
  }) => {
    agent = await AgentConsole.signIn(browser, 'ada@demo.test');
    await agent.comeOnline();
    const refused = await request.post('/api/calls', {
      headers: { authorization: `Bearer ${DEMO_API_KEY}` },
      data: { from: CALLER, to: '/private/ada', script: [{ play: '../../etc/passwd' }] },
    });
    expect(refused.status()).toBe(400);
    expect((await refused.json()).message).toMatch(/play must be "test-pattern" or a media file/);
    await agent.page.waitForTimeout(500);
    await expect(agent.ringingCards()).toHaveCount(0);
  });
});

/**
 * The script participant's publishing path with real parts end to end: ffmpeg decodes to raw
 * frames, the publisher (LiveKit's own @livekit/rtc-node) encodes and publishes them to the real
 * embedded media server, and the real livekit-client in headless Chromium subscribes and decodes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TrackSource } from 'livekit-server-sdk';
import type { MediaServer } from '../media-server/index.ts';
import {
  BrowserHarness,
  waitFor,
  type LivekitPage,
} from '../media-server/test-support/browser-harness.ts';
import {
  API_KEY,
  API_SECRET,
  joinToken,
  startTestServer,
} from '../media-server/test-support/fixtures.ts';
import { findFfmpeg } from './ffmpeg-binary.ts';
import { RtcPublisher } from './rtc-publisher.ts';
import { releaseRtcNode } from '../media/testing/rtc-participant.ts';
import { FfmpegSource, VIDEO_HEIGHT, VIDEO_WIDTH } from './media-source-ffmpeg.ts';
import { mintScriptToken } from './script-token.ts';
import { isProcessAlive } from './testing/processes.ts';

const ROOM = 'script-publisher';
const IDENTITY = 'script:publisher-test';
const quietLog = { debug: () => {}, warn: () => {} };

describe('RtcPublisher with ffmpeg against the embedded media server', { timeout: 120_000 }, () => {
  let server: MediaServer;
  let browser: BrowserHarness;
  let agent: LivekitPage;
  let publisher: RtcPublisher | undefined;
  const ffmpeg = findFfmpeg();

  before(async () => {
    assert.ok(ffmpeg.path, `ffmpeg is installed (${'problem' in ffmpeg ? ffmpeg.problem : ''})`);
    [server, browser] = await Promise.all([startTestServer(), BrowserHarness.start()]);
    agent = await browser.openPage();
  });

  after(async () => {
    await publisher?.leave();
    await browser?.close();
    await server?.close();
    await releaseRtcNode();
  });

  async function decodedFrames(): Promise<number> {
    const stats = await agent.call('inbound', IDENTITY, 'video');
    return stats.videoWidth > 0 ? stats.framesDecoded : 0;
  }

  async function framesRise(what: string, timeoutMs?: number): Promise<void> {
    const first = await waitFor(`${what}: video decoding`, decodedFrames, timeoutMs);
    await waitFor(
      `${what}: framesDecoded rising`,
      async () => (await decodedFrames()) > first + 10,
      timeoutMs,
    );
  }

  async function audioBytesRise(what: string): Promise<void> {
    const bytes = async () => (await agent.call('inbound', IDENTITY, 'audio')).bytesReceived;
    const first = await waitFor(`${what}: audio arriving`, bytes);
    await waitFor(`${what}: audio bytes rising`, async () => (await bytes()) > first + 2_000);
  }

  test('a subscriber decodes the test pattern and hears the tone, across encoder restarts', async () => {
    assert.deepEqual(
      await agent.call('connect', server.url, await joinToken(ROOM, 'agent'), false),
      {},
    );
    const token = await mintScriptToken(API_KEY, API_SECRET, {
      room: ROOM,
      identity: IDENTITY,
      name: 'Test pattern',
    });
    publisher = await RtcPublisher.join({
      url: server.url,
      token,
      video: { width: VIDEO_WIDTH, height: VIDEO_HEIGHT },
      log: quietLog,
    });
    assert.equal(publisher.identity, IDENTITY);
    assert.equal(await publisher.waitForOthers(5_000), true, 'the agent is in the room');

    const first = await FfmpegSource.start(
      ffmpeg.path!,
      { kind: 'test-pattern', seconds: 60 },
      publisher.newSegment(),
    );
    await Promise.all([framesRise('first run'), audioBytesRise('first run')]);
    const state = await agent.call('state');
    const sources = state.remotes[IDENTITY]?.map((track) => track.source).sort();
    assert.deepEqual(sources, [TrackSource.CAMERA, TrackSource.MICROPHONE].map(sourceName).sort());
    const firstExit = await first.stop();
    assert.equal(isProcessAlive(first.pid!), false, 'the first ffmpeg is gone');
    assert.equal(firstExit.code === 0 || firstExit.code === 255 || firstExit.signal !== null, true);

    // A new ffmpeg run feeds the same tracks: the receiver keeps decoding.
    const second = await FfmpegSource.start(
      ffmpeg.path!,
      { kind: 'test-pattern', seconds: 60 },
      publisher.newSegment(),
    );
    await Promise.all([framesRise('second run', 8_000), audioBytesRise('second run')]);
    await second.stop();
    assert.equal(isProcessAlive(second.pid!), false, 'the second ffmpeg is gone');

    await publisher.leave();
    await waitFor('the agent to see the script participant leave', async () => {
      const { events } = await agent.call('state');
      return events.includes(`participantDisconnected:${IDENTITY}`);
    });
  });

  test('a test pattern run ends on its own after its seconds', async () => {
    const sink = { video: () => {}, audio: () => {} };
    const startedAt = Date.now();
    const source = await FfmpegSource.start(
      ffmpeg.path!,
      { kind: 'test-pattern', seconds: 1 },
      sink,
    );
    const exit = await source.ended;
    assert.equal(exit.code, 0, exit.stderr);
    assert.ok(Date.now() - startedAt >= 900, 'played in real time');
  });
});

function sourceName(source: TrackSource): string {
  return source === TrackSource.CAMERA ? 'camera' : 'microphone';
}

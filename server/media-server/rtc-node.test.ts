/**
 * LiveKit's own Rust-core Node SDK (`@livekit/rtc-node`) against the embedded media server:
 * two rtc-node participants, and rtc-node with the real livekit-client in Chromium, each
 * publishing audio and video that the other decodes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MediaServer } from './index.ts';
import { BrowserHarness, waitFor, type LivekitPage } from './test-support/browser-harness.ts';
import { joinToken, startTestServer } from './test-support/fixtures.ts';
import { releaseRtcNode, RtcParticipant } from '../media/testing/rtc-participant.ts';

describe('@livekit/rtc-node against the embedded media server', { timeout: 120_000 }, () => {
  let server: MediaServer;
  let browser: BrowserHarness;
  const participants: RtcParticipant[] = [];

  before(async () => {
    [server, browser] = await Promise.all([startTestServer(), BrowserHarness.start()]);
  });
  after(async () => {
    await Promise.allSettled(participants.map((participant) => participant.leave()));
    await browser?.close();
    await server?.close();
    await releaseRtcNode();
  });

  async function join(room: string, identity: string): Promise<RtcParticipant> {
    const participant = await RtcParticipant.join(server.url, await joinToken(room, identity), {
      audio: true,
      video: true,
    });
    participants.push(participant);
    return participant;
  }

  test('two rtc-node participants connect, publish audio and video, and decode each other', async () => {
    const alice = await join('rtc-node-pair', 'alice');
    const bob = await join('rtc-node-pair', 'bob');
    const [aliceGot, bobGot] = await Promise.all([
      alice.waitForFrames({ audio: 50, video: 5 }),
      bob.waitForFrames({ audio: 50, video: 5 }),
    ]);
    assert.deepEqual([...aliceGot.from], ['bob']);
    assert.deepEqual([...bobGot.from], ['alice']);
    assert.equal(aliceGot.videoWidth, 320);
    assert.equal(bobGot.videoWidth, 320);
    await Promise.all([alice.leave(), bob.leave()]);
  });

  test('rtc-node and livekit-client in Chromium decode each other', async () => {
    const page: LivekitPage = await browser.openPage();
    try {
      const joined = await page.call(
        'connect',
        server.url,
        await joinToken('rtc-node-browser', 'browser'),
        true,
      );
      assert.equal(joined.error, undefined, JSON.stringify(joined));
      const node = await join('rtc-node-browser', 'node');
      const nodeGot = await node.waitForFrames({ audio: 50, video: 5 });
      assert.deepEqual([...nodeGot.from], ['browser']);
      assert.equal(nodeGot.videoWidth, 640, 'the fake camera’s 640x480');

      const first = await waitFor('rtc-node’s video decoding in Chromium', async () => {
        const stats = await page.call('inbound', 'node', 'video');
        return stats.videoWidth === 320 && stats.framesDecoded > 0 ? stats : undefined;
      });
      await waitFor('framesDecoded rising', async () => {
        const stats = await page.call('inbound', 'node', 'video');
        return stats.framesDecoded > first.framesDecoded + 5;
      });
      await waitFor('rtc-node’s audio arriving in Chromium', async () => {
        const stats = await page.call('inbound', 'node', 'audio');
        return stats.bytesReceived > 2_000;
      });
      await node.leave();
    } finally {
      await page.close();
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RoomServiceClient, TrackSource } from 'livekit-server-sdk';
import type { MediaServer } from './index.ts';
import { BrowserHarness, waitFor, type LivekitPage } from './test-support/browser-harness.ts';
import {
  API_KEY,
  API_SECRET,
  joinToken,
  startTestServer,
  WebhookSink,
} from './test-support/fixtures.ts';

/**
 * The real livekit-client (in headless Chromium with fake devices) against the embedded
 * server: two participants exchange camera and microphone, then mute, unpublish and leave.
 */
describe(
  'livekit-client in Chromium against the embedded media server',
  { timeout: 120_000 },
  () => {
    const ROOM = 'call-browser';
    let server: MediaServer;
    let webhooks: WebhookSink;
    let browser: BrowserHarness;
    let alice: LivekitPage;
    let bob: LivekitPage;
    let monitor: LivekitPage;

    before(async () => {
      webhooks = await WebhookSink.start();
      [server, browser] = await Promise.all([
        startTestServer(webhooks.url),
        BrowserHarness.start(),
      ]);
      // Pages load before any media flows: on a loaded 2-core machine that is seconds faster.
      [alice, bob, monitor] = await Promise.all([
        browser.openPage(),
        browser.openPage(),
        browser.openPage(),
      ]);
    });

    after(async () => {
      await browser?.close();
      await server?.close();
      await webhooks?.close();
    });

    async function decodesVideoFrom(page: LivekitPage, identity: string): Promise<void> {
      const first = await waitFor(`${identity}'s video decoding`, async () => {
        const stats = await page.call('inbound', identity, 'video');
        return stats.videoWidth > 0 && stats.framesDecoded > 0 ? stats : undefined;
      });
      await waitFor(`${identity}'s framesDecoded rising`, async () => {
        const stats = await page.call('inbound', identity, 'video');
        return stats.framesDecoded > first.framesDecoded + 5;
      });
    }

    async function receivesAudioFrom(page: LivekitPage, identity: string): Promise<void> {
      const first = await waitFor(`${identity}'s audio arriving`, async () => {
        const stats = await page.call('inbound', identity, 'audio');
        return stats.bytesReceived > 0 ? stats : undefined;
      });
      await waitFor(`${identity}'s audio bytes rising`, async () => {
        const stats = await page.call('inbound', identity, 'audio');
        return stats.bytesReceived > first.bytesReceived + 1_000;
      });
    }

    async function remoteTrack(page: LivekitPage, identity: string, source: string) {
      const state = await page.call('state');
      return state.remotes[identity]?.find((track) => track.source === source);
    }

    test('both participants publish camera and microphone and decode each other', async () => {
      const [aliceJoin, bobJoin] = await Promise.all([
        alice.call('connect', server.url, await joinToken(ROOM, 'alice'), true),
        bob.call('connect', server.url, await joinToken(ROOM, 'bob'), true),
      ]);
      assert.deepEqual(aliceJoin, {});
      assert.deepEqual(bobJoin, {});
      await Promise.all([
        decodesVideoFrom(alice, 'bob'),
        decodesVideoFrom(bob, 'alice'),
        receivesAudioFrom(alice, 'bob'),
        receivesAudioFrom(bob, 'alice'),
      ]);
    });

    test('data packets reach the other side stamped with the sender', async () => {
      await alice.call('publishData', 'hello bob');
      await waitFor("bob to receive alice's data", async () =>
        (await bob.call('state')).events.includes('data:alice:hello bob'),
      );
    });

    test('a subscribe-only, hidden monitor receives both sides and cannot publish', async () => {
      const token = await joinToken(ROOM, 'supervisor', {
        canPublish: false,
        canPublishData: false,
        hidden: true,
      });
      assert.deepEqual(await monitor.call('connect', server.url, token, false), {});
      await Promise.all([decodesVideoFrom(monitor, 'alice'), receivesAudioFrom(monitor, 'bob')]);
      assert.match(await monitor.call('tryPublishMicrophone'), /insufficient permissions/);
      assert.equal(
        (await alice.call('state')).remotes.supervisor,
        undefined,
        'hidden from the call',
      );
      await monitor.call('disconnect');
    });

    test('a microphone mute and unmute is seen by the other side', async () => {
      await alice.call('setMicrophoneEnabled', false);
      await waitFor(
        'bob to see alice muted',
        async () => (await remoteTrack(bob, 'alice', 'microphone'))?.muted,
      );
      await alice.call('setMicrophoneEnabled', true);
      await waitFor(
        'bob to see alice unmuted',
        async () => (await remoteTrack(bob, 'alice', 'microphone'))?.muted === false,
      );
    });

    test('RoomService.mutePublishedTrack mutes the publisher and is seen by both sides', async () => {
      const rooms = new RoomServiceClient(server.url, API_KEY, API_SECRET);
      const participant = await rooms.getParticipant(ROOM, 'bob');
      const mic = participant.tracks.find((track) => track.source === TrackSource.MICROPHONE);
      assert.ok(mic, 'bob publishes a microphone');
      const muted = await rooms.mutePublishedTrack(ROOM, 'bob', mic.sid, true);
      assert.equal(muted.muted, true);
      await waitFor('bob to mute locally', () => bob.call('localMuted', 'microphone'));
      await waitFor(
        'alice to see bob muted',
        async () => (await remoteTrack(alice, 'bob', 'microphone'))?.muted,
      );
    });

    test('unpublishing the camera is seen by the other side', async () => {
      await alice.call('unpublishCamera');
      await waitFor('bob to see alice unpublish', async () => {
        const state = await bob.call('state');
        return (
          state.events.includes('trackUnpublished:alice:camera') &&
          !(await remoteTrack(bob, 'alice', 'camera'))
        );
      });
      // Alice's microphone still flows after the renegotiation.
      await receivesAudioFrom(bob, 'alice');
    });

    test('leaving is seen by the other side', async () => {
      await alice.call('disconnect');
      await waitFor('bob to see alice leave', async () => {
        const state = await bob.call('state');
        return state.events.includes('participantDisconnected:alice') && !state.remotes.alice;
      });
    });

    test('a bad token is refused with a clear error', async () => {
      const result = await monitor.call(
        'connect',
        server.url,
        await joinToken(ROOM, 'mallory', {}, 'wrong-secret'),
        false,
      );
      assert.equal(result.reason, 'NotAllowed');
      assert.equal(result.status, 401);
      assert.match(
        result.error ?? '',
        /unauthorized: invalid access token \(signature verification failed\)/,
      );
    });

    test('webhooks for the session were accepted by the real WebhookReceiver', async () => {
      await waitFor('participant_left for alice', () =>
        webhooks.find('participant_left', (e) => e.participant?.identity === 'alice'),
      );
      assert.equal(webhooks.rejected, 0);
      assert.ok(webhooks.find('room_started', (e) => e.room?.name === ROOM));
      for (const identity of ['alice', 'bob']) {
        assert.ok(
          webhooks.find('participant_joined', (e) => e.participant?.identity === identity),
          `${identity} joined`,
        );
      }
      for (const identity of ['alice', 'bob']) {
        for (const source of [TrackSource.CAMERA, TrackSource.MICROPHONE]) {
          const published = webhooks.find(
            'track_published',
            (e) => e.participant?.identity === identity && e.track?.source === source,
          );
          assert.ok(published, `${identity}'s ${TrackSource[source]} published`);
        }
      }
      assert.ok(
        webhooks.find(
          'track_unpublished',
          (e) => e.participant?.identity === 'alice' && e.track?.source === TrackSource.CAMERA,
        ),
      );
    });
  },
);

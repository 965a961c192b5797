import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { ParticipantInfo, Room } from '@livekit/protocol';
import { RoomServiceClient, WebhookReceiver } from 'livekit-server-sdk';
import type { MediaServer } from './index.ts';
import { silentLogger } from './logger.ts';
import {
  API_KEY,
  API_SECRET,
  joinToken,
  startTestServer,
  WebhookSink,
} from './test-support/fixtures.ts';
import { RawSignalClient } from './test-support/raw-signal-client.ts';
import { waitFor } from './test-support/wait.ts';
import { ManualScheduler } from '../test/manual-scheduler.ts';
import { WebhookNotifier } from './webhooks.ts';

describe('webhooks', () => {
  test('are signed so that WebhookReceiver accepts them, and a changed body is refused', async () => {
    const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
    const endpoint = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        response.end();
      });
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    const address = endpoint.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const notifier = new WebhookNotifier(
        `http://127.0.0.1:${port}/hook`,
        API_KEY,
        API_SECRET,
        silentLogger,
      );
      notifier.notify('participant_joined', {
        room: new Room({ sid: 'RM_x', name: 'room-ü' }),
        participant: new ParticipantInfo({ sid: 'PA_x', identity: 'alice' }),
      });
      await notifier.drain(5_000);
      const [{ headers, body }] = received;
      assert.equal(headers['content-type'], 'application/webhook+json');
      assert.doesNotMatch(headers.authorization ?? '', /^Bearer /);

      const receiver = new WebhookReceiver(API_KEY, API_SECRET);
      const event = await receiver.receive(body, headers.authorization);
      assert.equal(event.event, 'participant_joined');
      assert.equal(event.room?.name, 'room-ü');
      assert.equal(event.participant?.identity, 'alice');
      assert.match(event.id, /^EV_/);
      await assert.rejects(
        receiver.receive(body.replace('alice', 'mallory'), headers.authorization),
      );
      await assert.rejects(
        new WebhookReceiver(API_KEY, 'other-secret').receive(body, headers.authorization),
      );
    } finally {
      endpoint.close();
    }
  });

  test('an unreachable endpoint is retried after 250 ms and 1 s, then dropped without throwing', async () => {
    // Accepts each connection and drops it at once: every delivery attempt fails.
    let attempts = 0;
    const endpoint = createServer();
    endpoint.on('connection', (socket) => {
      attempts++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    const { port } = endpoint.address() as { port: number };
    const warnings: Array<{ obj: object; msg?: string }> = [];
    // The retries wait on this clock: the test moves it, so their spacing is exact.
    const clock = new ManualScheduler(Date.now());
    /** Resolves once the failed attempt has armed its retry, `delayMs` from now. */
    const retryArmed = (delayMs: number) =>
      waitFor(`a retry due in ${delayMs} ms`, () => clock.dueIn()[0] === delayMs, 5_000);
    try {
      const notifier = new WebhookNotifier(
        `http://127.0.0.1:${port}/hook`,
        API_KEY,
        API_SECRET,
        { ...silentLogger, warn: (obj, msg) => void warnings.push({ obj, msg }) },
        clock,
      );
      notifier.notify('room_started', { room: new Room({ name: 'r' }) });

      await retryArmed(250);
      assert.equal(attempts, 1, 'the first attempt');
      clock.advance(249);
      assert.deepEqual(clock.dueIn(), [1], 'no retry 1 ms before 250 ms');
      assert.equal(attempts, 1);
      clock.advance(1);

      await retryArmed(1_000);
      assert.equal(attempts, 2, 'the first retry, 250 ms after the first attempt');
      clock.advance(999);
      assert.deepEqual(clock.dueIn(), [1], 'no retry 1 ms before 1 s');
      assert.equal(attempts, 2);
      clock.advance(1);

      await notifier.drain(5_000);
      assert.equal(attempts, 3, 'the second retry, 1 s after the first');
      assert.deepEqual(clock.dueIn(), [], 'dropped after the last retry: nothing more armed');
      assert.deepEqual(
        warnings.map(({ msg }) => msg),
        ['webhook delivery failed'],
      );
      assert.equal((warnings[0].obj as { event: string }).event, 'room_started');
    } finally {
      endpoint.close();
    }
  });

  describe('room lifecycle', () => {
    let server: MediaServer;
    let sink: WebhookSink;

    before(async () => {
      sink = await WebhookSink.start();
      server = await startTestServer(sink.url);
    });

    after(async () => {
      await server.close();
      await sink.close();
    });

    test('room_started on join, participant_left on leave, room_finished after the departure timeout', async () => {
      const rooms = new RoomServiceClient(server.url, API_KEY, API_SECRET);
      await rooms.createRoom({ name: 'wh-life', departureTimeout: 1 });
      const alice = await RawSignalClient.connect(server.url, await joinToken('wh-life', 'alice'));
      await alice.next('join');
      alice.close();
      await waitFor('participant_left', () =>
        sink.find('participant_left', (e) => e.participant?.identity === 'alice'),
      );
      const finished = await waitFor(
        'room_finished',
        () => sink.find('room_finished', (e) => e.room?.name === 'wh-life'),
        5_000,
      );
      assert.equal(sink.names().filter((name) => name === 'room_started').length, 1);
      assert.ok(sink.names().indexOf('room_started') < sink.names().indexOf('participant_left'));
      assert.match(finished.room?.sid ?? '', /^RM_/);
      assert.equal(sink.rejected, 0);
    });
  });
});

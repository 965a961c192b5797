import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DisconnectReason } from '@livekit/protocol';
import { AccessToken, RoomServiceClient, ServerError } from 'livekit-server-sdk';
import type { MediaServer } from './index.ts';
import {
  API_KEY,
  API_SECRET,
  joinToken,
  startTestServer,
  WebhookSink,
} from './test-support/fixtures.ts';
import { RawSignalClient } from './test-support/raw-signal-client.ts';
import { waitFor } from './test-support/wait.ts';

/** RoomService over Twirp, driven by the real livekit-server-sdk RoomServiceClient. */
describe('RoomService (Twirp) with livekit-server-sdk', () => {
  let server: MediaServer;
  let webhooks: WebhookSink;
  let rooms: RoomServiceClient;
  const clients: RawSignalClient[] = [];

  async function join(room: string, identity: string): Promise<RawSignalClient> {
    const client = await RawSignalClient.connect(server.url, await joinToken(room, identity));
    clients.push(client);
    await client.next('join');
    return client;
  }

  async function serverError(promise: Promise<unknown>): Promise<ServerError> {
    const error = await promise.then(
      () => assert.fail('expected the call to fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ServerError, `a ServerError, got ${String(error)}`);
    return error;
  }

  before(async () => {
    webhooks = await WebhookSink.start();
    server = await startTestServer(webhooks.url);
    rooms = new RoomServiceClient(server.url, API_KEY, API_SECRET);
  });

  after(async () => {
    for (const client of clients) client.close();
    await server.close();
    await webhooks.close();
  });

  test('CreateRoom creates once and is idempotent; ListRooms lists', async () => {
    const created = await rooms.createRoom({
      name: 'rs-create',
      emptyTimeout: 60,
      departureTimeout: 5,
    });
    assert.equal(created.name, 'rs-create');
    assert.match(created.sid, /^RM_/);
    assert.equal(created.emptyTimeout, 60);
    assert.equal(created.departureTimeout, 5);
    const again = await rooms.createRoom({ name: 'rs-create' });
    assert.equal(again.sid, created.sid);

    assert.deepEqual(
      (await rooms.listRooms(['rs-create'])).map((r) => r.sid),
      [created.sid],
    );
    assert.ok((await rooms.listRooms()).some((r) => r.name === 'rs-create'));
    assert.deepEqual(await rooms.listRooms(['no-such-room']), []);
    await waitFor('room_started', () =>
      webhooks.find('room_started', (e) => e.room?.name === 'rs-create'),
    );
    assert.equal(
      webhooks.events.filter((e) => e.event === 'room_started' && e.room?.name === 'rs-create')
        .length,
      1,
    );
  });

  test('ListParticipants and GetParticipant', async () => {
    await rooms.createRoom({ name: 'rs-list' });
    assert.deepEqual(await rooms.listParticipants('rs-list'), []);
    const alice = await join('rs-list', 'alice');
    const [listed] = await rooms.listParticipants('rs-list');
    assert.equal(listed.identity, 'alice');
    const fetched = await rooms.getParticipant('rs-list', 'alice');
    assert.equal(fetched.sid, listed.sid);
    const missing = await serverError(rooms.getParticipant('rs-list', 'nobody'));
    assert.equal(missing.status, 404);
    assert.equal(missing.code, 'not_found');
    assert.equal(missing.message, 'participant does not exist');
    alice.close();
  });

  test('UpdateParticipant changes metadata, name and attributes and tells the participant', async () => {
    const alice = await join('rs-update', 'alice');
    const updated = await rooms.updateParticipant('rs-update', 'alice', {
      metadata: '{"role":"agent"}',
      name: 'Alice A.',
      attributes: { queue: 'sales' },
    });
    assert.equal(updated.metadata, '{"role":"agent"}');
    assert.equal(updated.name, 'Alice A.');
    assert.deepEqual(updated.attributes, { queue: 'sales' });
    const update = await alice.next('update', (u) =>
      u.participants.some((p) => p.metadata === '{"role":"agent"}'),
    );
    assert.equal(update.participants[0].name, 'Alice A.');

    const revoked = await rooms.updateParticipant('rs-update', 'alice', {
      permission: { canPublish: false, canSubscribe: true },
    });
    assert.equal(revoked.permission?.canPublish, false);
  });

  test('RemoveParticipant sends leave and removes; unknown identity is not_found', async () => {
    const alice = await join('rs-remove', 'alice');
    await rooms.removeParticipant('rs-remove', 'alice');
    const leave = await alice.next('leave');
    assert.equal(leave.reason, DisconnectReason.PARTICIPANT_REMOVED);
    await alice.waitClosed();
    assert.deepEqual(await rooms.listParticipants('rs-remove'), []);
    await waitFor('participant_left', () =>
      webhooks.find(
        'participant_left',
        (e) => e.room?.name === 'rs-remove' && e.participant?.identity === 'alice',
      ),
    );
    const missing = await serverError(rooms.removeParticipant('rs-remove', 'alice'));
    assert.equal(missing.code, 'not_found');
  });

  test('MutePublishedTrack of an unknown track is not_found', async () => {
    await join('rs-mute', 'alice');
    const missing = await serverError(
      rooms.mutePublishedTrack('rs-mute', 'alice', 'TR_nope', true),
    );
    assert.equal(missing.code, 'not_found');
  });

  test('DeleteRoom disconnects everyone and emits room_finished; a second delete is not_found', async () => {
    const alice = await join('rs-delete', 'alice');
    await rooms.deleteRoom('rs-delete');
    const leave = await alice.next('leave');
    assert.equal(leave.reason, DisconnectReason.ROOM_DELETED);
    assert.deepEqual(await rooms.listRooms(['rs-delete']), []);
    await waitFor('room_finished', () =>
      webhooks.find('room_finished', (e) => e.room?.name === 'rs-delete'),
    );
    const again = await serverError(rooms.deleteRoom('rs-delete'));
    assert.equal(again.status, 404);
    assert.equal(again.code, 'not_found');
  });

  test('bad credentials are unauthenticated, missing grants permission_denied (exact JSON errors)', async () => {
    const wrongSecret = new RoomServiceClient(server.url, API_KEY, 'not-the-secret');
    const unauthenticated = await serverError(wrongSecret.listRooms());
    assert.equal(unauthenticated.status, 401);
    assert.equal(unauthenticated.code, 'unauthenticated');

    const token = new AccessToken(API_KEY, API_SECRET);
    token.addGrant({ roomList: true });
    const response = await fetch(
      `${server.url.replace('ws', 'http')}/twirp/livekit.RoomService/DeleteRoom`,
      {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${await token.toJwt()}`,
          'Content-Type': 'application/json',
        },
        body: '{"room":"x"}',
      },
    );
    assert.equal(response.status, 403);
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.equal((await response.json()).code, 'permission_denied');
  });

  test('every webhook was accepted by the real WebhookReceiver', () => {
    assert.equal(webhooks.rejected, 0);
    assert.ok(webhooks.events.length > 0);
  });
});

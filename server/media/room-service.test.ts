/**
 * RoomService requests reuse their signed token per grant (room-service.ts), and the reused
 * token still admits them: against the real embedded media server.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenVerifier } from 'livekit-server-sdk';
import { startTestServer, type TestServer } from '../test/harness.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

test('one token per grant is signed and reused, and RoomService keeps accepting it', async () => {
  const { rooms, apiKey, apiSecret } = server.app.services.media.backend;
  const signed = rooms.authHeader({ roomCreate: true });
  // The very same signature, not one signed again (which could look equal within a second).
  assert.equal(rooms.authHeader({ roomCreate: true }), signed, 'reused');
  const create = await signed;
  const admin = await rooms.authHeader({ roomAdmin: true, room: 'room-a' });
  assert.notDeepEqual(admin, create, 'another grant, another token');
  assert.notDeepEqual(
    await rooms.authHeader({ roomAdmin: true, room: 'room-b' }),
    admin,
    'another room, another token',
  );
  const claims = await new TokenVerifier(apiKey, apiSecret).verify(
    create.Authorization.replace('Bearer ', ''),
  );
  assert.deepEqual(claims.video, { roomCreate: true });

  for (const name of ['reuse-1', 'reuse-2']) {
    await rooms.createRoom({ name });
    assert.ok((await rooms.listRooms([name])).length === 1, `${name} created`);
    await rooms.deleteRoom(name);
  }
});

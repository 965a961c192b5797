/**
 * Size limits of the embedded media server: a signalling frame over 1 MiB closes the socket
 * with 1009 (it once accepted 20 MB frames, `ws`'s default being 100 MiB), and a RoomService
 * request body over 1 MiB is answered 413 with a Twirp error, not 500.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { AccessToken } from 'livekit-server-sdk';
import type { MediaServer } from './index.ts';
import { API_KEY, API_SECRET, joinToken, startTestServer } from './test-support/fixtures.ts';

const MIB = 1024 * 1024;

describe('media server size limits', () => {
  let server: MediaServer;

  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  test('a signalling frame over 1 MiB closes the socket with 1009', async () => {
    const token = await joinToken('size-room', 'big-sender');
    const socket = new WebSocket(`${server.url}/rtc?access_token=${token}&protocol=17`);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const closed = new Promise<number>((resolve) => socket.once('close', resolve));
    socket.on('error', () => undefined);
    socket.send(Buffer.alloc(2 * MIB));
    assert.equal(await closed, 1009);
  });

  test('a RoomService body over 1 MiB is refused with 413', async () => {
    const token = new AccessToken(API_KEY, API_SECRET, { ttl: '1m' });
    token.addGrant({ roomCreate: true, roomList: true, roomAdmin: true });
    const response = await fetch(
      `${server.url.replace(/^ws/, 'http')}/twirp/livekit.RoomService/CreateRoom`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await token.toJwt()}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ name: 'x', metadata: 'm'.repeat(2 * MIB) }),
      },
    );
    assert.equal(response.status, 413);
    const body = (await response.json()) as { code: string; msg: string };
    assert.match(body.msg, /too large/);
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TrackSource } from '@livekit/protocol';
import { AccessToken } from 'livekit-server-sdk';
import { SignJWT } from 'jose';
import {
  AuthError,
  canPublishSource,
  permissionFromGrant,
  refreshAccessToken,
  requireRoomJoin,
  verifyAccessToken,
} from './auth.ts';

const keys = new Map([['key', 'secret-secret-secret-secret-secret']]);

async function token(
  grant: object,
  options: { secret?: string; key?: string; ttl?: number } = {},
): Promise<string> {
  const at = new AccessToken(options.key ?? 'key', options.secret ?? keys.get('key'), {
    identity: 'alice',
    name: 'Alice',
    metadata: '{"a":1}',
    attributes: { team: 'blue' },
    ttl: options.ttl ?? 600,
  });
  at.addGrant(grant);
  return at.toJwt();
}

test('a livekit-server-sdk token is verified and its claims read', async () => {
  const claims = await verifyAccessToken(await token({ roomJoin: true, room: 'r1' }), keys);
  assert.equal(claims.identity, 'alice');
  assert.equal(claims.name, 'Alice');
  assert.equal(claims.metadata, '{"a":1}');
  assert.deepEqual(claims.attributes, { team: 'blue' });
  assert.deepEqual(requireRoomJoin(claims), { room: 'r1', identity: 'alice' });
});

test('wrong secret, unknown key, expiry and missing grants are refused', async () => {
  const refusals: Array<[() => Promise<unknown>, RegExp]> = [
    [
      async () =>
        verifyAccessToken(await token({ roomJoin: true, room: 'r' }, { secret: 'nope' }), keys),
      /signature/,
    ],
    [
      async () =>
        verifyAccessToken(await token({ roomJoin: true, room: 'r' }, { key: 'other' }), keys),
      /unknown API key/,
    ],
    [
      async () => verifyAccessToken(await token({ roomJoin: true, room: 'r' }, { ttl: -60 }), keys),
      /expired/,
    ],
    [() => verifyAccessToken('not-a-jwt', keys), /malformed/],
    [() => verifyAccessToken(undefined, keys), /no access token/],
  ];
  for (const [attempt, message] of refusals) {
    await assert.rejects(
      attempt,
      (error: unknown) =>
        error instanceof AuthError && error.status === 401 && message.test(error.message),
    );
  }
  const noRoom = await verifyAccessToken(await token({ roomJoin: true }), keys);
  assert.throws(() => requireRoomJoin(noRoom), AuthError);
});

test('a correctly signed join token without exp is refused (it would admit its holder forever)', async () => {
  const forever = await new SignJWT({ video: { roomJoin: true, room: 'r' } })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('key')
    .setSubject('alice')
    .setNotBefore(0)
    .sign(new TextEncoder().encode(keys.get('key')));
  await assert.rejects(
    verifyAccessToken(forever, keys),
    (error: unknown) =>
      error instanceof AuthError && error.status === 401 && /exp/.test(error.message),
  );
});

test('grant defaults follow LiveKit: publish and subscribe unless denied', () => {
  const defaults = permissionFromGrant({ roomJoin: true, room: 'r' });
  assert.equal(defaults.canPublish, true);
  assert.equal(defaults.canSubscribe, true);
  assert.equal(defaults.canPublishData, true);
  assert.equal(defaults.canUpdateMetadata, false);
  assert.equal(canPublishSource(defaults, TrackSource.SCREEN_SHARE), true);

  const monitor = permissionFromGrant({ roomJoin: true, room: 'r', canPublish: false });
  assert.equal(monitor.canSubscribe, true);
  assert.equal(monitor.canPublishData, false, 'publishData follows canPublish');
  assert.equal(canPublishSource(monitor, TrackSource.MICROPHONE), false);

  const micOnly = permissionFromGrant({
    roomJoin: true,
    room: 'r',
    canPublishSources: ['microphone'],
  });
  assert.equal(canPublishSource(micOnly, TrackSource.MICROPHONE), true);
  assert.equal(canPublishSource(micOnly, TrackSource.CAMERA), false);
});

test('a refreshed token keeps the claims with a new validity window', async () => {
  const claims = await verifyAccessToken(
    await token({ roomJoin: true, room: 'r1' }, { ttl: 30 }),
    keys,
  );
  const refreshed = await verifyAccessToken(
    await refreshAccessToken(claims, keys.get('key')!, 600),
    keys,
  );
  assert.equal(refreshed.identity, 'alice');
  assert.deepEqual(refreshed.video, claims.video);
  assert.ok(Number(refreshed.payload.exp) - Number(claims.payload.exp) >= 500);
});

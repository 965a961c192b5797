/**
 * `refresh_token`, as a real LiveKit sends it: every 5 minutes each participant gets the token
 * it joined with, valid for 10 minutes from then. On a clock the test moves, so the interval is
 * checked to the millisecond and no test waits five minutes.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualScheduler } from '../test/manual-scheduler.ts';
import { verifyAccessToken } from './auth.ts';
import { startMediaServer, type MediaServer } from './index.ts';
import { TOKEN_REFRESH_INTERVAL_MS } from './participant.ts';
import { API_KEY, API_SECRET, joinToken } from './test-support/fixtures.ts';
import { RawSignalClient } from './test-support/raw-signal-client.ts';
import { waitFor } from './test-support/wait.ts';

const REFRESHED_TOKEN_TTL_SECONDS = 600;
const keys = new Map([[API_KEY, API_SECRET]]);
// Starts 15 minutes ago, so the tokens refreshed at +5 and +10 minutes are valid on the wall
// clock that verifies them (nbf in the past, exp in the future).
const clock = new ManualScheduler(Date.now() - 15 * 60_000);
let server: MediaServer;

before(async () => {
  server = await startMediaServer({ apiKey: API_KEY, apiSecret: API_SECRET, scheduler: clock });
});
after(() => server.close());

const refreshes = (client: RawSignalClient) =>
  client.received.filter((message) => message.case === 'refreshToken');

test('a participant is sent its token again every 5 minutes, valid for 10 minutes from then', async () => {
  const alice = await RawSignalClient.connect(
    server.url,
    await joinToken('refresh', 'alice', { canPublish: false }),
  );
  const joined = await alice.next('join');
  assert.equal(joined.participant?.identity, 'alice');

  clock.advance(TOKEN_REFRESH_INTERVAL_MS - 1);
  assert.deepEqual(clock.dueIn(), [1], 'the refresh is armed, 1 ms away');
  assert.equal(refreshes(alice).length, 0, 'nothing before 5 minutes');

  for (const round of [1, 2]) {
    if (round === 2) clock.advance(TOKEN_REFRESH_INTERVAL_MS - 1);
    clock.advance(1);
    const refreshedAt = clock.now();
    await alice.next('refreshToken', () => refreshes(alice).length === round);
    const token = refreshes(alice)[round - 1].value;
    const claims = await verifyAccessToken(token, keys);
    assert.equal(claims.identity, 'alice');
    assert.equal(claims.video.room, 'refresh');
    assert.equal(claims.video.canPublish, false, 'the same grants');
    assert.equal(
      Number(claims.payload.exp),
      Math.floor(refreshedAt / 1000) + REFRESHED_TOKEN_TTL_SECONDS,
      `refresh ${round}: valid for 10 minutes from when it was sent`,
    );
    assert.deepEqual(clock.dueIn(), [TOKEN_REFRESH_INTERVAL_MS], 'the next one is armed');
  }

  alice.close();
  await waitFor('the refresh stopped once alice left', () => clock.dueIn().length === 0, 5_000);
});

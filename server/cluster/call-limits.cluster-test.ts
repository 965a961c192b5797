/**
 * Live-call limits across a failover: the counts live in the owner's memory, so a new owner
 * rebuilds them from the live calls it adopts. Two calls placed with the tenant's API key
 * (the limit is two) and one placed by a supervisor's token (per-user limit one) wait in a
 * queue on n1; `kill -9` of n1; on the new owner a third API-key call and a second call of
 * the supervisor are still refused (429), and each place is given back when its call ends.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { requestJson } from '../test/harness.ts';
import { startCluster, type TestCluster } from './testing/cluster-harness.ts';

let cluster: TestCluster | null;
before(
  async () =>
    (cluster = await startCluster({
      nodes: 2,
      env: {
        MEDIA_RECONCILE_SECONDS: '3600',
        MAX_LIVE_CALLS_PER_API_KEY: '2',
        MAX_LIVE_CALLS_PER_USER: '1',
      },
    })),
);
after(async () => cluster?.close());

describe('call limits in a cluster', () => {
  test('a new owner counts the live calls it adopted against the limits', async (t) => {
    if (!cluster) return t.skip('Redis or PostgreSQL not reachable');
    const { tenant, nodes } = cluster;
    const [n1, n2] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    // Nobody of the group is ever online: every call waits in its queue.
    const ada = await tenant.createAgent('ada@limits.test', 'Ada');
    await tenant.createRingGroup('support', [ada.user.id]);
    const boss = await tenant.createUser('boss@limits.test', 'Boss', 'supervisor');

    const place = (via: (typeof nodes)[0], token: string) =>
      requestJson(via.url, 'POST', '/api/calls', {
        token,
        body: { from: { name: 'Caller', address: '+15550100' }, to: '/group/support' },
      });
    const first = await place(n1, tenant.apiKey);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal((await cluster.ownerOf(tenant.id))?.name, 'n1');
    const second = await place(n1, tenant.apiKey);
    assert.equal(second.status, 201, JSON.stringify(second.body));
    const bosses = await place(n1, boss.token);
    assert.equal(bosses.status, 201, JSON.stringify(bosses.body));
    assert.equal((await place(n1, tenant.apiKey)).status, 429, 'the API key is at its limit');
    assert.equal((await place(n1, boss.token)).status, 429, 'the supervisor is at its limit');
    await new Promise((resolve) => setTimeout(resolve, 500)); // state written behind

    // ---------------------------------------------------------------- kill -9 the owner
    await n1.kill();
    const third = await place(n2, tenant.apiKey); // n2 takes the tenant over to answer it
    assert.equal((await cluster.ownerOf(tenant.id))?.name, 'n2');
    assert.equal(third.status, 429, `still at the API key's limit: ${JSON.stringify(third.body)}`);
    assert.match(third.body.message, /per API key/);
    const bossAgain = await place(n2, boss.token);
    assert.equal(
      bossAgain.status,
      429,
      `still at the user's limit: ${JSON.stringify(bossAgain.body)}`,
    );
    assert.match(bossAgain.body.message, /per user/);

    // The adopted calls give their places back when they end.
    const hangup = (callId: string) =>
      requestJson(n2.url, 'POST', `/api/calls/${callId}/hangup`, { token: tenant.apiKey });
    assert.equal((await hangup(first.body.id)).status, 200);
    const fourth = await place(n2, tenant.apiKey);
    assert.equal(fourth.status, 201, JSON.stringify(fourth.body));
    assert.equal((await place(n2, tenant.apiKey)).status, 429);
    assert.equal((await hangup(bosses.body.id)).status, 200);
    const bossFree = await place(n2, boss.token);
    assert.equal(bossFree.status, 201, JSON.stringify(bossFree.body));
    for (const callId of [second.body.id, fourth.body.id, bossFree.body.id])
      assert.equal((await hangup(callId)).status, 200);
  });
});

/**
 * Redis unreachable for a few seconds (its server killed, then started again on its append-only
 * file): the owner keeps serving what it can (a tab on the owner node answers a call at once),
 * nodes say so in their logs and on /api/health, a command that must cross nodes waits and is
 * carried out when Redis returns, the owner keeps its tenant (it takes its lapsed lease back
 * before anyone else may), Redis holds the state as it is again, and each call is recorded once.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { AgentClient } from '../session/testing/agent-client.ts';
import { requestJson } from '../test/harness.ts';
import { startCluster, type TestCluster } from './testing/cluster-harness.ts';

let cluster: TestCluster | null;
before(
  async () =>
    (cluster = await startCluster({
      nodes: 2,
      privateRedis: true,
      env: { MEDIA_RECONCILE_SECONDS: '3600' },
    })),
);
after(async () => cluster?.close());

const health = async (url: string) => (await requestJson(url, 'GET', '/api/health')).body;

describe('Redis outage', () => {
  test('a few seconds without Redis: serve what can be served, converge after, lose nothing', async (t) => {
    if (!cluster?.redisServer) return t.skip('redis-server or PostgreSQL not available');
    const { tenant, nodes, redisServer } = cluster;
    const [n1, n2] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    const [ada, bob] = await Promise.all(
      ['ada', 'bob'].map((name) => tenant.createAgent(`${name}@outage.test`, name)),
    );
    await tenant.createRingGroup('support', [ada.user.id, bob.user.id]);
    const adaTab = await AgentClient.connect(n1.sessionUrl(ada.token));
    await adaTab.online();
    assert.equal((await cluster.ownerOf(tenant.id))?.name, 'n1');
    const bobTab = await AgentClient.connect(n2.sessionUrl(bob.token));
    await bobTab.online();
    t.after(() => Promise.all([adaTab, bobTab].map((tab) => tab.close())));

    const place = async (to: string) => {
      const placed = await requestJson(n1.url, 'POST', '/api/calls', {
        token: tenant.apiKey,
        body: { from: { name: 'Caller', address: '+15550100' }, to },
      });
      assert.equal(placed.status, 201);
      return placed.body.id as string;
    };
    const talking = await place('/group/support');
    await bobTab.waitForCall(talking, 'ringing');
    assert.equal((await bobTab.request({ type: 'call.accept', callId: talking })).type, 'ok');
    const ringing = await place(ada.address);
    await adaTab.waitForCall(ringing, 'ringing');

    // ---------------------------------------------------------------- Redis goes away
    await redisServer.stop();
    await sleep(300);
    const accepted = Date.now();
    assert.equal((await adaTab.request({ type: 'call.accept', callId: ringing })).type, 'ok');
    assert.ok(Date.now() - accepted < 1_000, 'the owner answers its own tab without Redis');
    await adaTab.waitForCall(ringing, 'connected');
    assert.equal((await health(n1.url)).redis, 'unreachable', 'the owner says so');
    // bob's tab is on the other node: its command waits for Redis.
    const hangup = bobTab.request({ type: 'call.hangup', callId: talking }, 15_000);
    await sleep(2_700);

    // ---------------------------------------------------------------- and comes back
    await redisServer.start();
    assert.equal((await hangup).type, 'ok', 'the waiting command is carried out');
    await bobTab.waitForCall(talking, 'disconnected', 'hangup', 5_000);
    await sleep(1_500);
    assert.equal((await health(n1.url)).redis, 'reachable');
    assert.equal((await health(n2.url)).redis, 'reachable');
    assert.equal((await cluster.ownerOf(tenant.id))?.name, 'n1', 'the owner kept its tenant');
    const kept = await cluster.redis.redis.hget(
      cluster.redis.keys.state(tenant.id),
      `call:${ringing}`,
    );
    assert.equal(JSON.parse(kept ?? '{}').phase, 'connected', 'Redis holds the state as it is');

    assert.equal((await adaTab.request({ type: 'call.hangup', callId: ringing })).type, 'ok');
    await sleep(800);
    const rows = await cluster.database.query<{
      id: string;
      end_reason: string;
      answered_by_user_id: string;
    }>(
      `SELECT id, end_reason, answered_by_user_id FROM calls WHERE tenant_id = $1 ORDER BY created_at`,
      [tenant.id],
    );
    assert.deepEqual(
      rows.map((row) => [row.id, row.end_reason, row.answered_by_user_id]),
      [
        [talking, 'hangup', bob.user.id],
        [ringing, 'hangup', ada.user.id],
      ],
    );
    const logs = await n1.log();
    assert.match(logs, /Redis unreachable/);
    assert.match(logs, /Redis reachable again/);
  });
});

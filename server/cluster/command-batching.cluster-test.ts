/**
 * A gateway sends a tenant's commands to its owner in order, and what arrives together goes
 * together: 25 accepts that reach one gateway in the same instant cost one or two Redis round
 * trips, not 25 in a row. With Redis 10 ms away (each way), one after the other they took
 * 0.9 s, so the last losing accepts reached the owner after the answered-elsewhere legs had
 * lingered out (ENDED_CALL_LINGER_MS, 200 ms here) and were told `not-found` instead of
 * `wrong-state` — the 15/16 of call-routing.test.ts under TEST_SERVER=cluster on a loaded machine.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AgentClient } from '../session/testing/agent-client.ts';
import { requestJson } from '../test/harness.ts';
import { startCluster, type TestCluster } from './testing/cluster-harness.ts';
import { startSlowLink, type SlowLink } from './testing/slow-link.ts';
import { testRedisUrl } from './testing/test-redis.ts';

const AGENTS = 25;
let link: SlowLink;
let cluster: TestCluster | null;
before(async () => {
  link = await startSlowLink({ target: testRedisUrl, delayMs: 10 });
  cluster = await startCluster({ nodes: 2, env: { REDIS_URL: link.url } });
});
after(async () => {
  await cluster?.close();
  await link.close();
});

describe('commands through a gateway', () => {
  test('25 accepts arriving together at a gateway, with Redis 10 ms away: one wins, all 24 others are told wrong-state', async (t) => {
    if (!cluster) return t.skip('Redis or PostgreSQL not reachable');
    const { tenant, nodes } = cluster;
    const [owner, gateway] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    const agents = await Promise.all(
      Array.from({ length: AGENTS }, (_, index) =>
        tenant.createAgent(`agent${index}@batch.test`, `Agent ${index}`),
      ),
    );
    await tenant.createRingGroup(
      'batch',
      agents.map((agent) => agent.user.id),
    );
    const caller = await tenant.createAgent('caller@batch.test', 'Caller');
    const callerTab = await AgentClient.connect(owner.sessionUrl(caller.token));
    await callerTab.online();
    assert.equal((await cluster.ownerOf(tenant.id))?.name, owner.name);
    const tabs = await Promise.all(
      agents.map((agent) => AgentClient.connect(gateway.sessionUrl(agent.token))),
    );
    t.after(() => Promise.all([callerTab, ...tabs].map((tab) => tab.close())));
    await Promise.all(tabs.map((tab) => tab.online()));

    const placed = await requestJson(owner.url, 'POST', '/api/calls', {
      token: tenant.apiKey,
      body: { from: { name: 'Caller', address: '+15550100' }, to: '/group/batch' },
    });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    const callId = placed.body.id as string;
    await Promise.all(tabs.map((tab) => tab.waitForCall(callId, 'ringing')));

    const started = Date.now();
    const replies = await Promise.all(
      tabs.map((tab) => tab.request({ type: 'call.accept', callId }, 10_000)),
    );
    t.diagnostic(`25 replies in ${Date.now() - started} ms`);
    assert.equal(replies.filter((reply) => reply.type === 'ok').length, 1);
    const codes = replies
      .filter((reply) => reply.type === 'error')
      .map((reply) => (reply as { code: string }).code);
    assert.deepEqual(codes, Array<string>(AGENTS - 1).fill('wrong-state'));
  });
});

/**
 * First accept wins across a real cluster: three call-control processes on one Redis and one
 * PostgreSQL, a ring group of 25 agents whose tabs sit on the three nodes, 25 `call.accept`
 * frames sent in the same instant through the three nodes → exactly one `ok`, everyone else's
 * leg ends `answered_elsewhere` naming the winner. Repeated CLUSTER_RACE_ROUNDS times (200).
 * Each call is placed through the HTTP API of a different node, so forwarding is exercised too.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AgentClient } from '../session/testing/agent-client.ts';
import { requestJson } from '../test/harness.ts';
import { startCluster, type TestCluster } from './testing/cluster-harness.ts';

const ROUNDS = Number(process.env.CLUSTER_RACE_ROUNDS || 200);
const AGENTS = 25;

let cluster: TestCluster | null;
before(async () => (cluster = await startCluster({ nodes: 3 })));
after(async () => cluster?.close());

describe('a cluster of three nodes', () => {
  test(`25 simultaneous accepts through three nodes: exactly one winner (${ROUNDS} rounds)`, async (t) => {
    if (!cluster) return t.skip('Redis or PostgreSQL not reachable');
    const { tenant, nodes } = cluster;
    const agents = await Promise.all(
      Array.from({ length: AGENTS }, (_, index) =>
        tenant.createAgent(`agent${index}@race.test`, `Agent ${index}`),
      ),
    );
    await tenant.createRingGroup(
      'race',
      agents.map((agent) => agent.user.id),
    );
    const tabs = await Promise.all(
      agents.map((agent, index) =>
        AgentClient.connect(nodes[index % nodes.length].sessionUrl(agent.token)),
      ),
    );
    t.after(() => Promise.all(tabs.map((tab) => tab.close())));
    await Promise.all(tabs.map((tab) => tab.online()));
    assert.ok(await cluster.ownerOf(tenant.id), 'the tenant has an owner');

    const winners = new Map<string, number>();
    for (let round = 0; round < ROUNDS; round++) {
      const via = nodes[round % nodes.length];
      const placed = await requestJson(via.url, 'POST', '/api/calls', {
        token: tenant.apiKey,
        body: { from: { name: `Caller ${round}`, address: '+15550100' }, to: '/group/race' },
      });
      assert.equal(placed.status, 201, JSON.stringify(placed.body));
      const callId = placed.body.id as string;
      await Promise.all(tabs.map((tab) => tab.waitForCall(callId, 'ringing')));

      // The same instant: every frame is written before any reply can come back.
      const replies = tabs.map((tab) => tab.request({ type: 'call.accept', callId }));
      const answers = await Promise.all(replies);
      const accepted = answers
        .map((reply, index) => ({ reply, index }))
        .filter(({ reply }) => reply.type === 'ok');
      assert.equal(accepted.length, 1, `round ${round}: ${JSON.stringify(answers)}`);
      const winner = tabs[accepted[0].index];
      const winnerId = agents[accepted[0].index].user.id;
      winners.set(winnerId, (winners.get(winnerId) ?? 0) + 1);
      await winner.waitForCall(callId, 'connected');
      await Promise.all(
        tabs
          .filter((tab) => tab !== winner)
          .map(async (tab) => {
            const lost = await tab.waitForCall(callId, 'disconnected', 'answered_elsewhere');
            assert.equal(lost.answeredBy?.id, winnerId, `round ${round}: names the winner`);
          }),
      );
      await winner.request({ type: 'call.hangup', callId });
      await Promise.all(tabs.map((tab) => tab.waitForGone(callId)));
      // Agents are available again before the next round rings them.
      await Promise.all(tabs.map((tab) => tab.waitForPresence('available')));
    }
    const wins = [...winners.values()].reduce((sum, count) => sum + count, 0);
    assert.equal(wins, ROUNDS);
    t.diagnostic(`winners spread over ${winners.size} agents`);
  });
});

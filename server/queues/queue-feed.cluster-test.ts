/**
 * The queue view across owners: a tab sits on n3 while its tenant moves from n1 to another node
 * and back (each move fences the owner by taking its lease, as a node that lost Redis for too
 * long would be). The feed of an owner that lost the tenant must not keep what it last sent:
 * when the tenant comes back, what the tab saw meanwhile came from the other owner, so a change
 * back to the old view has to reach the tab all the same.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GroupQueueView, ServerMessage } from '../../protocol/session-protocol.ts';
import { AgentClient } from '../session/testing/agent-client.ts';
import {
  startCluster,
  type ClusterNodeProcess,
  type TestCluster,
} from '../cluster/testing/cluster-harness.ts';

let cluster: TestCluster | null;
before(
  async () =>
    (cluster = await startCluster({ nodes: 3, env: { MEDIA_RECONCILE_SECONDS: '3600' } })),
);
after(async () => cluster?.close());

type QueuesFrame = Extract<ServerMessage, { type: 'queues' }>;
const lastQueues = (tab: AgentClient) =>
  tab.frames.filter((frame): frame is QueuesFrame => frame.type === 'queues').at(-1)?.groups;
const available = (groups: GroupQueueView[] | undefined) =>
  groups?.[0]?.available.map((agent) => agent.name) ?? [];

/**
 * Takes the tenant's lease away from its owner (a new epoch, no lease: the owner cannot renew
 * nor take it back, and learns it lost the tenant) until a node `wanted` accepts has taken it over.
 * Which node takes a lapsed tenant is a race between the nodes, hence the attempts.
 */
async function moveTenant(
  live: TestCluster,
  wanted: (owner: ClusterNodeProcess) => boolean,
  what: string,
): Promise<ClusterNodeProcess> {
  const { redis, keys } = live.redis;
  const tenantId = live.tenant.id;
  for (let attempt = 0; attempt < 30; attempt++) {
    await redis.multi().incr(keys.epoch(tenantId)).del(keys.lease(tenantId)).exec();
    let owner: ClusterNodeProcess | undefined;
    const until = Date.now() + 8_000;
    while (!(owner = await live.ownerOf(tenantId)) && Date.now() < until) await sleep(50);
    assert.ok(owner, 'some node takes the tenant over');
    if (!wanted(owner)) continue;
    // Until its next renewal a node that lost the lease still thinks it owns the tenant and
    // would run a command sent to it: wait until every node has renewed (a third of a lease).
    await sleep(1_000);
    return owner;
  }
  assert.fail(`the tenant never moved ${what}`);
}

describe('the queue view across owners', () => {
  test('an owner that gets its tenant back tells a tab on another node what changed since', async (t) => {
    if (!cluster) return t.skip('Redis or PostgreSQL not reachable');
    const live = cluster;
    const { tenant, nodes } = live;
    const [n1, , n3] = nodes as [ClusterNodeProcess, ClusterNodeProcess, ClusterNodeProcess];
    const [ada, bob] = await Promise.all(
      ['ada', 'bob'].map((name) => tenant.createAgent(`${name}@owners.test`, name)),
    );
    await tenant.createRingGroup('support', [ada.user.id, bob.user.id]);

    // bob's tab reaches n1 first, so n1 owns the tenant; ada only watches the queue, from n3.
    const bobTab = await AgentClient.connect(n1.sessionUrl(bob.token));
    t.after(() => bobTab.close());
    assert.equal((await live.ownerOf(tenant.id))?.name, 'n1');
    const adaTab = await AgentClient.connect(n3.sessionUrl(ada.token));
    t.after(() => adaTab.close());
    await adaTab.waitUntil(() => lastQueues(adaTab)?.length === 1, 'ada sees her group');
    assert.equal((await bobTab.online()).type, 'registered');
    await adaTab.waitUntil(
      () => available(lastQueues(adaTab)).join() === 'bob',
      'ada sees bob available (sent by n1)',
    );

    // Another node takes over; bob goes away there, and ada hears it from that owner.
    const other = await moveTenant(live, (owner) => owner !== n1, 'away from n1');
    t.diagnostic(`the tenant moved to ${other.name}`);
    assert.equal((await bobTab.request({ type: 'presence.set', presence: 'away' })).type, 'ok');
    await adaTab.waitUntil(
      () => lastQueues(adaTab) && available(lastQueues(adaTab)).length === 0,
      `ada sees nobody available (sent by ${other.name})`,
    );

    // n1 gets the tenant back, and bob is available again: the view n1 last sent, but not the
    // one ada has now.
    await moveTenant(live, (owner) => owner === n1, 'back to n1');
    assert.equal(
      (await bobTab.request({ type: 'presence.set', presence: 'available' })).type,
      'ok',
    );
    await adaTab.waitUntil(
      () => available(lastQueues(adaTab)).join() === 'bob',
      `ada sees bob available again (last: ${JSON.stringify(lastQueues(adaTab))})`,
    );
  });
});

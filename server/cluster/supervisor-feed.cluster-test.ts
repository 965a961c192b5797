/**
 * The supervisor feed on a node that does not own the tenant: the supervisor's socket sits on
 * n2 while n1 owns the tenant, and the feed shows the tenant's live calls and agents as on the
 * owner (n2 relays the owner's feed). `kill -9` of the owner: the same socket carries on with a
 * fresh snapshot from the new owner and then its changes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AgentClient } from '../session/testing/agent-client.ts';
import { FeedClient, feedUrl } from '../supervisor/testing/feed-client.ts';
import { requestJson } from '../test/harness.ts';
import { startCluster, type TestCluster } from './testing/cluster-harness.ts';

let cluster: TestCluster | null;
before(
  async () =>
    (cluster = await startCluster({ nodes: 3, env: { MEDIA_RECONCILE_SECONDS: '3600' } })),
);
after(async () => cluster?.close());

describe('supervisor feed across nodes', () => {
  test("a supervisor on a node that does not own the tenant sees its live feed, and keeps it across the owner's kill -9", async (t) => {
    if (!cluster) return t.skip('Redis or PostgreSQL not reachable');
    const { tenant, nodes } = cluster;
    const [n1, n2, n3] = nodes as [(typeof nodes)[0], (typeof nodes)[0], (typeof nodes)[0]];
    const [ada, bob] = await Promise.all(
      ['ada', 'bob'].map((name) => tenant.createAgent(`${name}@feed.test`, name)),
    );
    const boss = await tenant.createUser('boss@feed.test', 'Boss', 'supervisor');
    await tenant.createRingGroup('support', [ada.user.id, bob.user.id]);

    // ada's tab reaches n1 first, so n1 owns the tenant; the supervisor watches from n2.
    const adaTab = await AgentClient.connect(n1.sessionUrl(ada.token));
    await adaTab.online();
    assert.equal((await cluster.ownerOf(tenant.id))?.name, 'n1');
    const bobTab = await AgentClient.connect(n2.sessionUrl(bob.token));
    await bobTab.online();
    t.after(() => Promise.all([adaTab, bobTab].map((tab) => tab.close())));

    const feed = await FeedClient.connect(feedUrl(n2.url, boss.token));
    t.after(() => feed.close());
    assert.equal(feed.closed, null, `feed open (closed: ${JSON.stringify(feed.closed)})`);
    await feed.waitUntil(
      () =>
        feed.agents.get(ada.user.id)?.presence === 'available' &&
        feed.agents.get(bob.user.id)?.presence === 'available',
      'both agents available, as the owner sees them',
    );

    const placed = await requestJson(n3.url, 'POST', '/api/calls', {
      token: tenant.apiKey,
      body: { from: { name: 'Caller', address: '+15550100' }, to: '/group/support' },
    });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    const callId = placed.body.id as string;
    const ringing = await feed.waitUntil(() => {
      const call = feed.calls.get(callId);
      return call?.status === 'ringing' && call.rungAgents.length === 2 ? call : null;
    }, 'the call ringing both agents in the feed on n2');
    assert.equal(ringing.ringGroup?.name, 'support');

    // ---------------------------------------------------------------- kill -9 the owner
    const snapshotsBefore = feed.frames.filter((f) => f.type === 'supervisor.snapshot').length;
    await n1.kill();
    await adaTab.waitForClose();
    await bobTab.waitForCall(callId, 'ringing');
    await feed.waitUntil(
      () => feed.frames.filter((f) => f.type === 'supervisor.snapshot').length > snapshotsBefore,
      'a snapshot from the new owner',
      8_000,
    );
    const owner = await cluster.ownerOf(tenant.id);
    assert.ok(owner && owner.name !== 'n1', `a new owner: ${owner?.name}`);
    assert.equal(feed.closed, null, 'the same feed socket carries on');
    assert.equal(feed.calls.get(callId)?.status, 'ringing', 'the call is still in the feed');

    // Changes keep coming from the new owner.
    assert.equal((await bobTab.request({ type: 'call.accept', callId })).type, 'ok');
    await feed.waitUntil(() => {
      const call = feed.calls.get(callId);
      return call?.status === 'connected' && call.answeredBy?.id === bob.user.id;
    }, 'the call connected to bob in the feed');
    await feed.waitUntil(
      () => feed.agents.get(bob.user.id)?.currentCallId === callId,
      "bob's current call",
    );
    assert.equal((await bobTab.request({ type: 'call.hangup', callId })).type, 'ok');
    await feed.waitUntil(() => !feed.calls.has(callId), 'the call gone from the feed');
  });
});

/**
 * A rolling restart: the owner node gets SIGTERM while a call rings. It saves the tenant whole,
 * gives its lease up and says so, another node takes the tenant at once, and its sockets close
 * with 1012 so their tabs resume elsewhere. No call notices: the ringing call keeps ringing in
 * the same attempt (nobody is rung again, nothing is withdrawn), it is answered on the new
 * owner, and it is recorded once. The node then comes back and takes work again.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AgentClient } from '../session/testing/agent-client.ts';
import { requestJson } from '../test/harness.ts';
import { startCluster, type TestCluster } from './testing/cluster-harness.ts';

let cluster: TestCluster | null;
before(
  async () =>
    (cluster = await startCluster({ nodes: 3, env: { MEDIA_RECONCILE_SECONDS: '3600' } })),
);
after(async () => cluster?.close());

describe('rolling restart', () => {
  test('SIGTERM hands the tenant over without any call noticing', async (t) => {
    if (!cluster) return t.skip('Redis or PostgreSQL not reachable');
    const { tenant, nodes } = cluster;
    const [n1, n2, n3] = nodes as [(typeof nodes)[0], (typeof nodes)[0], (typeof nodes)[0]];
    const [ada, bob] = await Promise.all(
      ['ada', 'bob'].map((name) => tenant.createAgent(`${name}@roll.test`, name)),
    );
    await tenant.createRingGroup('support', [ada.user.id, bob.user.id]);
    const adaTab = await AgentClient.connect(n1.sessionUrl(ada.token));
    await adaTab.online();
    assert.equal((await cluster.ownerOf(tenant.id))?.name, 'n1');
    const bobTab = await AgentClient.connect(n2.sessionUrl(bob.token));
    await bobTab.online();

    const placed = await requestJson(n3.url, 'POST', '/api/calls', {
      token: tenant.apiKey,
      body: { from: { name: 'Caller', address: '+15550100' }, to: '/group/support' },
    });
    assert.equal(placed.status, 201);
    const callId = placed.body.id as string;
    await Promise.all([adaTab, bobTab].map((tab) => tab.waitForCall(callId, 'ringing')));
    const bobFrames = bobTab.frames.length;

    const stoppedAt = Date.now();
    const stopping = n1.stop();
    const closed = await adaTab.waitForClose(10_000);
    assert.equal(closed.code, 1012, 'told to reconnect elsewhere, not that the tab left');
    const adaAgain = await AgentClient.connect(n2.sessionUrl(ada.token, adaTab.hello.sessionId));
    t.after(() => Promise.all([adaAgain, bobTab].map((tab) => tab.close())));
    await stopping;
    assert.equal(adaAgain.hello.resumed, true);
    const owner = await cluster.ownerOf(tenant.id);
    assert.ok(owner && owner.name !== 'n1', `a new owner: ${owner?.name}`);
    t.diagnostic(`handed over and resumed in ${Date.now() - stoppedAt} ms`);

    // No re-ring: the call is the same ringing attempt for both, and bob's tab never saw it
    // anything but ringing.
    assert.equal(adaAgain.call(callId)?.status, 'ringing');
    assert.equal(adaAgain.call(callId)?.attempt, 1);
    const seen = bobTab.frames
      .slice(bobFrames)
      .flatMap((frame) => (frame.type === 'incoming_calls' ? frame.calls : []))
      .filter((call) => call.id === callId)
      .map((call) => `${call.status}/${call.attempt}`);
    assert.ok(
      seen.every((state) => state === 'ringing/1'),
      `bob's tab only ever saw it ringing: ${seen.join(', ')}`,
    );

    assert.equal((await bobTab.request({ type: 'call.accept', callId })).type, 'ok');
    await adaAgain.waitForCall(callId, 'disconnected', 'answered_elsewhere');
    assert.equal((await bobTab.request({ type: 'call.hangup', callId })).type, 'ok');

    // The node comes back and serves again (as a gateway; the tenant stays where it is).
    await n1.restart();
    const adaOnN1 = await AgentClient.connect(n1.sessionUrl(ada.token));
    t.after(() => adaOnN1.close());
    assert.equal((await adaOnN1.online()).type, 'registered');

    await new Promise((resolve) => setTimeout(resolve, 800));
    const rows = await cluster.database.query<{ id: string; end_reason: string }>(
      `SELECT id, end_reason FROM calls WHERE tenant_id = $1`,
      [tenant.id],
    );
    assert.deepEqual(
      rows.map((row) => [row.id, row.end_reason]),
      [[callId, 'hangup']],
    );
  });
});

/**
 * `kill -9` of the node that owns a tenant, in the middle of a connected call on hold, a
 * ringing call and a queue of two waiting calls: within 5 s the tenant has a new owner, the tab
 * that was on the dead node is back (resumed on another node with its calls), the ringing call
 * rings again, the held call is still connected and held, the queue keeps its order and waiting
 * times, and the records show each call once with the right outcome.
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

const caller = (name: string) => ({ name, address: '+15550100' });

describe('failover', () => {
  test('kill -9 of the owner: everything resumes on another node within 5 s, nothing lost', async (t) => {
    if (!cluster) return t.skip('Redis or PostgreSQL not reachable');
    const { tenant, nodes } = cluster;
    const [n1, n2, n3] = nodes as [(typeof nodes)[0], (typeof nodes)[0], (typeof nodes)[0]];
    const [ada, bob, cy, dee] = await Promise.all(
      ['ada', 'bob', 'cy', 'dee'].map((name) => tenant.createAgent(`${name}@fail.test`, name)),
    );
    await tenant.createRingGroup('support', [ada.user.id, bob.user.id, cy.user.id]);
    await tenant.createRingGroup('sales', [dee.user.id]);

    // ada's tab reaches n1 first, so n1 takes the tenant.
    const adaTab = await AgentClient.connect(n1.sessionUrl(ada.token));
    await adaTab.online();
    assert.equal((await cluster.ownerOf(tenant.id))?.name, 'n1');
    const bobTab = await AgentClient.connect(n2.sessionUrl(bob.token));
    const cyTab = await AgentClient.connect(n3.sessionUrl(cy.token));
    const deeTab = await AgentClient.connect(n2.sessionUrl(dee.token));
    for (const tab of [bobTab, cyTab, deeTab]) await tab.online();
    await deeTab.request({ type: 'presence.set', presence: 'away' });
    t.after(() => Promise.all([adaTab, bobTab, cyTab, deeTab].map((tab) => tab.close())));

    const place = async (via: (typeof nodes)[0], to: string, name: string) => {
      const placed = await requestJson(via.url, 'POST', '/api/calls', {
        token: tenant.apiKey,
        body: { from: caller(name), to },
      });
      assert.equal(placed.status, 201, JSON.stringify(placed.body));
      return placed.body.id as string;
    };
    const held = await place(n2, '/group/support', 'Held');
    await bobTab.waitForCall(held, 'ringing');
    assert.equal((await bobTab.request({ type: 'call.accept', callId: held })).type, 'ok');
    assert.equal((await bobTab.request({ type: 'call.hold', callId: held })).type, 'ok');
    const ringing = await place(n3, '/group/support', 'Ringing');
    await Promise.all([adaTab, cyTab].map((tab) => tab.waitForCall(ringing, 'ringing')));
    const queued1 = await place(n2, '/group/sales', 'First in queue');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const queued2 = await place(n3, '/group/sales', 'Second in queue');
    const before = await requestJson(n2.url, 'GET', `/api/calls/${queued1}`, {
      token: tenant.apiKey,
    });
    assert.equal(before.status, 200, JSON.stringify(before.body));
    await new Promise((resolve) => setTimeout(resolve, 500)); // records written behind

    // ---------------------------------------------------------------- kill -9 the owner
    const framesBefore = cyTab.frames.length;
    const killedAt = Date.now();
    await n1.kill();
    await adaTab.waitForClose();
    // The SDK reconnects a lost socket with ?resume=; here to another node.
    const adaAgain = await AgentClient.connect(n2.sessionUrl(ada.token, adaTab.hello.sessionId));
    t.after(() => adaAgain.close());
    assert.equal(adaAgain.hello.resumed, true, 'the tab got its session back');
    assert.equal(adaAgain.hello.sessionId, adaTab.hello.sessionId);
    await adaAgain.waitForCall(ringing, 'ringing', undefined, 5_000);
    await cyTab.waitUntil(
      () =>
        cyTab.frames
          .slice(framesBefore)
          .some(
            (frame) =>
              frame.type === 'incoming_calls' &&
              frame.calls.some((call) => call.id === ringing && call.status === 'ringing'),
          ),
      'the ringing call to ring again',
      5_000,
    );
    const resumedIn = Date.now() - killedAt;
    t.diagnostic(`tabs back and ringing again ${resumedIn} ms after kill -9`);
    assert.ok(resumedIn < 5_000, `resumed within 5 s (${resumedIn} ms)`);
    const owner = await cluster.ownerOf(tenant.id);
    assert.ok(owner && owner.name !== 'n1', `a new owner: ${owner?.name}`);

    const stillHeld = bobTab.call(held);
    assert.equal(stillHeld?.status, 'connected', 'the held call is still connected');
    assert.ok(stillHeld?.heldAt, 'and still on hold');

    // The queue: its order and its waiting times survived.
    const after = await requestJson(n3.url, 'GET', `/api/calls/${queued1}`, {
      token: tenant.apiKey,
    });
    assert.equal(after.status, 200);
    assert.equal(after.body.createdAt, before.body.createdAt, 'the waiting time is intact');
    assert.equal(
      (await deeTab.request({ type: 'presence.set', presence: 'available' })).type,
      'ok',
    );
    const offered = await deeTab.waitForRinging();
    assert.equal(offered.id, queued1, 'the oldest queued call is offered first');

    // Everything finishes on the new owner.
    assert.equal((await deeTab.request({ type: 'call.accept', callId: queued1 })).type, 'ok');
    assert.equal((await cyTab.request({ type: 'call.accept', callId: ringing })).type, 'ok');
    await adaAgain.waitForCall(ringing, 'disconnected', 'answered_elsewhere');
    assert.equal((await bobTab.request({ type: 'call.hangup', callId: held })).type, 'ok');
    assert.equal((await cyTab.request({ type: 'call.hangup', callId: ringing })).type, 'ok');
    assert.equal((await deeTab.request({ type: 'call.hangup', callId: queued1 })).type, 'ok');
    const cancelled = await requestJson(n2.url, 'POST', `/api/calls/${queued2}/hangup`, {
      token: tenant.apiKey,
    });
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));

    // Records: each call once, with how it ended.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const rows = await cluster.database.query<{
      id: string;
      status: string;
      end_reason: string;
      answered_by_user_id: string | null;
    }>(
      `SELECT id, status, end_reason, answered_by_user_id FROM calls WHERE tenant_id = $1 ORDER BY created_at`,
      [tenant.id],
    );
    assert.deepEqual(
      rows.map((row) => [row.id, row.end_reason, row.answered_by_user_id]),
      [
        [held, 'hangup', bob.user.id],
        [ringing, 'hangup', cy.user.id],
        [queued1, 'hangup', dee.user.id],
        [queued2, 'caller_cancelled', null],
      ],
    );
    const legs = await cluster.database.query<{ call_id: string; outcome: string }>(
      `SELECT call_id, outcome FROM call_legs WHERE tenant_id = $1 ORDER BY rung_at, id`,
      [tenant.id],
    );
    const outcomes = (callId: string) =>
      legs
        .filter((leg) => leg.call_id === callId)
        .map((leg) => leg.outcome)
        .sort();
    assert.deepEqual(outcomes(held), ['answered', 'answered_elsewhere', 'answered_elsewhere']);
    assert.deepEqual(outcomes(queued1), ['answered']);
  });
});

/**
 * Caps on live calls (and on one user's sessions), per user (a tab dialing, or a supervisor through the API), per API key and
 * per tenant: a burst past the cap is refused with a clear 429 / `too-many-requests` frame and
 * creates nothing, and a call that ends frees its place. Once one tab placed 300 calls in half
 * a second, each a media room ringing every agent.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { requestJson, startTestServer, type TestServer } from '../test/harness.ts';
import { onlineAgent, type Agent } from '../session/testing/scenario.ts';
import { AgentClient } from '../session/testing/agent-client.ts';
import type {
  LiveCall,
  LiveStoreReader,
  RoutingTransition,
  TransitionListener,
} from '../routing/index.ts';
import { CallLimits, placerOf } from './call-limits.ts';

describe('call limits', () => {
  let server: TestServer;
  let ada: Agent;

  before(async () => {
    server = await startTestServer({
      maxLiveCallsPerUser: 3,
      maxLiveCallsPerApiKey: 5,
      maxLiveCallsPerTenant: 8,
      ringTimeoutSeconds: 30,
    });
    ada = await onlineAgent(server, 'ada@caps.test', 'Ada');
    await server.tenant.createRingGroup('support', [ada.user.id]);
  });
  after(() => server.close());

  const liveCalls = () =>
    server.app.services.router
      .liveCallsOf(server.tenant.id)
      .filter((call) => call.phase !== 'ended');

  test('a tab that dials in a burst gets three calls and a clear refusal for the rest', async () => {
    const carol = await onlineAgent(server, 'carol@caps.test', 'Carol', { online: false });
    const replies = await Promise.all(
      Array.from({ length: 20 }, () =>
        carol.tab.request({ type: 'call.dial', to: '/group/support' }),
      ),
    );
    const placed = replies.filter((reply) => reply.type === 'outgoing_call');
    const refused = replies.filter((reply) => reply.type === 'error');
    assert.equal(placed.length, 3);
    assert.equal(refused.length, 17);
    for (const reply of refused) {
      assert.equal((reply as { code: string }).code, 'too-many-requests');
      assert.match((reply as { message: string }).message, /3 live calls per user/);
    }
    assert.equal(liveCalls().length, 3);
    // Hanging one up frees its place.
    const first = (placed[0] as { call: { id: string } }).call.id;
    await carol.tab.request({ type: 'call.hangup', callId: first });
    const again = await carol.tab.request({ type: 'call.dial', to: '/group/support' });
    assert.equal(again.type, 'outgoing_call', JSON.stringify(again));
    await carol.tab.close(); // ends Carol's calls
    await waitFor(() => liveCalls().length === 0, 'Carol’s calls ended');
  });

  test('an API key bursting is capped, then the tenant as a whole', async () => {
    const place = () =>
      requestJson(server.url, 'POST', '/api/calls', {
        token: server.apiKey,
        body: { from: 'Burst', to: '/group/support' },
      });
    const responses = await Promise.all(Array.from({ length: 12 }, place));
    const statuses = responses.map((response) => response.status);
    assert.equal(statuses.filter((status) => status === 201).length, 5, String(statuses));
    const refused = responses.find((response) => response.status === 429)!;
    assert.equal(refused.body.error, 'too-many-requests');
    assert.match(refused.body.message, /5 live calls per API key/);
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    assert.equal(liveCalls().length, 5);

    // A supervisor's own API calls count for them and for the tenant: 5 + 3 = 8, the tenant's cap.
    const sam = await server.createUser('sam@caps.test', { role: 'supervisor' });
    const bySam = await Promise.all(
      Array.from({ length: 3 }, () =>
        requestJson(server.url, 'POST', '/api/calls', {
          token: sam.token,
          body: { from: 'Sam', to: '/group/support' },
        }),
      ),
    );
    assert.deepEqual(
      bySam.map((response) => response.status),
      [201, 201, 201],
    );
    const carol = await onlineAgent(server, 'carol2@caps.test', 'Carol', { online: false });
    const overTenant = await carol.tab.request({ type: 'call.dial', to: '/group/support' });
    assert.equal(overTenant.type, 'error');
    assert.match((overTenant as { message: string }).message, /8 live calls per tenant/);
    // Another tenant is not affected.
    const other = await server.otherTenant.createAgent('olga@caps.test', 'Olga');
    const otherCall = await requestJson(server.url, 'POST', '/api/calls', {
      token: server.otherTenant.apiKey,
      body: { from: 'Other', to: other.address },
    });
    assert.equal(otherCall.status, 201);
    await carol.tab.close();
  });
});

async function waitFor(condition: () => boolean, description: string, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('sessions per user', () => {
  test('past the cap a new tab is closed with 4429 and a reason; closing one makes room', async () => {
    const server = await startTestServer({ maxSessionsPerUser: 3 });
    try {
      const ada = await server.createAgent('ada@sessions.test', 'Ada');
      const tabs = await Promise.all(
        Array.from({ length: 3 }, () => AgentClient.connect(server.sessionUrl(ada.token))),
      );
      assert.ok(tabs.every((tab) => tab.hello));
      const fourth = await AgentClient.connect(server.sessionUrl(ada.token));
      assert.equal(fourth.closed?.code, 4429);
      assert.match(fourth.closed?.reason ?? '', /at most 3 sessions per user/);
      // Another user is not affected.
      const bob = await server.createAgent('bob@sessions.test', 'Bob');
      const bobTab = await AgentClient.connect(server.sessionUrl(bob.token));
      assert.ok(bobTab.hello);
      await tabs[0].close();
      const fifth = await AgentClient.connect(server.sessionUrl(ada.token));
      assert.ok(fifth.hello, JSON.stringify(fifth.closed));
      await Promise.all([...tabs.slice(1), bobTab, fifth].map((tab) => tab.close()));
    } finally {
      await server.close();
    }
  });
});

describe('call limits rebuilt from live calls (a cluster node adopting a tenant)', () => {
  const call = (fields: Partial<LiveCall>) =>
    ({
      id: `c${Math.random()}`,
      tenantId: 't1',
      origin: 'api',
      fromUserId: null,
      consultationFor: null,
      phase: 'waiting',
      ...fields,
    }) as LiveCall;

  test('each call counts against who placed it; consultations, phones and ended calls count nothing', () => {
    assert.deepEqual(placerOf(call({ origin: 'session', fromUserId: 'u1' })), {
      tenantId: 't1',
      userId: 'u1',
    });
    assert.deepEqual(placerOf(call({ placedByUserId: 'u2' })), { tenantId: 't1', userId: 'u2' });
    assert.deepEqual(placerOf(call({})), { tenantId: 't1', apiKey: true });
    assert.equal(
      placerOf(call({ origin: 'session', fromUserId: 'u1', consultationFor: 'c0' })),
      null,
    );
    assert.equal(placerOf(call({ origin: 'phone' })), null);
    assert.equal(placerOf(call({ phase: 'ended' })), null);
  });

  test('adopted calls fill the places, free them when they end, and leave with their tenant', async () => {
    const limits = new CallLimits({
      maxLiveCallsPerUser: 1,
      maxLiveCallsPerApiKey: 2,
      maxLiveCallsPerTenant: 10,
    });
    const adopted = [call({}), call({}), call({ origin: 'session', fromUserId: 'u1' })];
    limits.adopt(adopted);
    limits.adopt(adopted); // twice is once
    const create = async () => call({});
    const live = () => false;
    await assert.rejects(
      limits.place({ tenantId: 't1', apiKey: true }, create, live),
      /per API key/,
    );
    await assert.rejects(limits.place({ tenantId: 't1', userId: 'u1' }, create, live), /per user/);

    let listener: TransitionListener = () => {};
    limits.follow({ observeTransitions: (l) => ((listener = l), () => {}) });
    listener(
      [{ type: 'callEnded', tenantId: 't1', callId: adopted[0].id } as RoutingTransition],
      {} as LiveStoreReader, // CallLimits reads only the transitions
    );
    await limits.place({ tenantId: 't1', apiKey: true }, create, live);
    await assert.rejects(
      limits.place({ tenantId: 't1', apiKey: true }, create, live),
      /per API key/,
    );

    limits.forgetTenant('t1');
    await limits.place({ tenantId: 't1', userId: 'u1' }, create, live);
    await limits.place({ tenantId: 't1', apiKey: true }, create, live);
    await limits.place({ tenantId: 't1', apiKey: true }, create, live);
  });
});

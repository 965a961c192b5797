/**
 * The supervisor feed over real sockets: who may watch, the snapshot a late joiner gets, a
 * group call seen ringing (with who is rung), connected (with the winner) and gone, abandoned
 * calls and group figures, and that a supervisor only ever sees its own tenant.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '../test/harness.ts';
import { closeAll, onlineAgent, placeCall } from '../session/testing/scenario.ts';
import { FeedClient, feedUrl } from './testing/feed-client.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer({ ringTimeoutSeconds: 30, maxQueueWaitSeconds: 60 });
});
after(() => server.close());

async function hangupOverHttp(callId: string, apiKey: string): Promise<void> {
  const response = await fetch(`${server.url}/api/calls/${callId}/hangup`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}` },
  });
  assert.equal(response.status, 200, `hang-up of ${callId}`);
}

describe('supervisor feed', { concurrency: true }, () => {
  test('refuses a missing or bad token with 4401 and an agent with 4403, each with the reason', async () => {
    const agent = await server.createAgent('feed-refused@s.test');
    const cases: [string, string, number, RegExp][] = [
      [
        'no token',
        `${server.url.replace('http', 'ws')}/api/supervisor/feed`,
        4401,
        /missing token/,
      ],
      ['garbage', feedUrl(server.url, 'not-a-jwt'), 4401, /invalid token/],
      ['api key', feedUrl(server.url, server.apiKey), 4401, /invalid token/],
      ['agent', feedUrl(server.url, agent.token), 4403, /requires role supervisor or admin/],
    ];
    for (const [name, url, code, reason] of cases) {
      const client = await FeedClient.connect(url);
      await client.waitUntil(() => client.closed, `${name}: close`);
      assert.equal(client.closed!.code, code, name);
      assert.match(client.closed!.reason, reason, name);
      assert.equal(client.frames.length, 0, `${name}: no snapshot`);
    }
  });

  test('a group call is seen ringing three agents, connected with the winner, then gone; figures follow', async () => {
    const tenant = await server.createTenant('feed-flow');
    const boss = await tenant.createUser('boss@flow.test', { role: 'supervisor', name: 'Boss' });
    const agents = await Promise.all(
      ['ada', 'bob', 'cy'].map((name) =>
        onlineAgent(server, `${name}@flow.test`, name.toUpperCase(), { tenant }),
      ),
    );
    const group = await tenant.createRingGroup(
      'support',
      agents.map((agent) => agent.user.id),
    );
    const feed = await FeedClient.connect(feedUrl(server.url, boss.token));
    const snapshot = feed.frames[0];
    assert.equal(snapshot.type, 'supervisor.snapshot');
    assert.deepEqual(snapshot.type === 'supervisor.snapshot' && snapshot.tenant, {
      id: tenant.id,
      name: 'feed-flow',
    });
    assert.deepEqual(
      [...feed.agents.values()].map((agent) => [agent.name, agent.presence]).sort(),
      [
        ['ADA', 'available'],
        ['BOB', 'available'],
        ['CY', 'available'],
      ],
    );
    assert.equal(feed.calls.size, 0);
    assert.deepEqual(
      { waiting: feed.group('support')!.waiting, answered: feed.group('support')!.today.answered },
      { waiting: 0, answered: 0 },
    );

    const placed = await placeCall(server, '/group/support', {
      apiKey: tenant.apiKey,
      from: 'Caller',
    });
    const ringing = await feed.waitUntil(() => {
      const call = feed.calls.get(placed.id);
      return call?.status === 'ringing' && call.rungAgents.length === 3 && call;
    }, 'the call ringing three agents');
    assert.deepEqual(ringing.rungAgents.map((agent) => agent.name).sort(), ['ADA', 'BOB', 'CY']);
    assert.deepEqual(ringing.ringGroup, { id: group.id, name: 'support' });
    assert.equal(ringing.from.name, 'Caller');
    await feed.waitUntil(() => feed.group('support')?.waiting === 1, 'one waiting');
    assert.ok(feed.group('support')!.longestWaitingSince! <= Date.now());

    const [ada] = agents;
    await ada.tab.waitForRinging();
    await ada.tab.request({ type: 'call.accept', callId: placed.id });
    const connected = await feed.waitUntil(() => {
      const call = feed.calls.get(placed.id);
      return call?.status === 'connected' && call;
    }, 'the call connected');
    assert.deepEqual(connected.answeredBy, { id: ada.user.id, name: 'ADA' });
    assert.deepEqual(connected.rungAgents, []);
    await feed.waitUntil(() => {
      const agent = feed.agents.get(ada.user.id);
      return (
        agent?.presence === 'busy' && agent.currentCallId === placed.id && agent.answeredToday === 1
      );
    }, 'ada busy on the call');
    await feed.waitUntil(() => {
      const support = feed.group('support');
      return (
        support?.waiting === 0 &&
        support.today.answered === 1 &&
        support.last15Minutes.answered === 1
      );
    }, 'support figures: one answered, none waiting');
    const support = feed.group('support')!;
    assert.equal(support.today.serviceLevel, 1, 'answered within 20 s counts once answered');
    assert.ok(support.today.averageWaitMs! >= 0 && support.today.averageWaitMs! < 20_000);
    assert.ok(
      support.waitingSamples.some((sample) => sample.waiting === 1),
      'the wait was sampled',
    );

    // A late joiner sees the connected call at once.
    const late = await FeedClient.connect(feedUrl(server.url, boss.token));
    assert.equal(late.calls.get(placed.id)?.status, 'connected');
    assert.equal(late.group('support')?.today.answered, 1);

    await hangupOverHttp(placed.id, tenant.apiKey);
    await feed.waitUntil(() => !feed.calls.has(placed.id), 'the call gone');
    await late.waitUntil(() => !late.calls.has(placed.id), 'the call gone for the late joiner');
    await feed.waitUntil(() => {
      const figures = feed.group('support')?.today;
      return figures?.answered === 1 && figures.abandoned === 0;
    }, 'one answered within the service level');
    await feed.waitUntil(() => feed.agents.get(ada.user.id)?.presence === 'available', 'ada free');
    await Promise.all([feed.close(), late.close(), closeAll(agents.map((agent) => agent.tab))]);
  });

  test('a call the caller gives up on while queued counts as abandoned, and missed legs count as missed', async () => {
    const tenant = await server.createTenant('feed-abandon');
    const boss = await tenant.createUser('boss@abandon.test', { role: 'admin' });
    const ada = await onlineAgent(server, 'ada@abandon.test', 'Ada', { tenant });
    await tenant.createRingGroup('sales', [ada.user.id], {
      ringTimeoutSeconds: 1,
      retryIntervalSeconds: 30,
    });
    await tenant.createRingGroup('empty', []);
    const feed = await FeedClient.connect(feedUrl(server.url, boss.token));

    const queued = await placeCall(server, '/group/empty', { apiKey: tenant.apiKey });
    await feed.waitUntil(() => feed.calls.get(queued.id)?.status === 'queued', 'the call queued');
    await feed.waitUntil(() => feed.group('empty')?.waiting === 1, 'one waiting in empty');
    await hangupOverHttp(queued.id, tenant.apiKey);
    await feed.waitUntil(() => !feed.calls.has(queued.id), 'the abandoned call gone');
    const empty = await feed.waitUntil(() => {
      const group = feed.group('empty');
      return group?.today.abandoned === 1 && group.waiting === 0 && group;
    }, 'one abandoned');
    assert.equal(empty.today.serviceLevel, 0);
    assert.equal(empty.last15Minutes.abandoned, 1);

    // Nobody answers within the 1 s ring timeout: Ada's leg is missed and the call waits to retry.
    const unanswered = await placeCall(server, '/group/sales', { apiKey: tenant.apiKey });
    await feed.waitUntil(() => feed.calls.get(unanswered.id)?.status === 'ringing', 'ringing');
    await feed.waitUntil(
      () => feed.calls.get(unanswered.id)?.status === 'queued',
      'back to queued',
      4000,
    );
    await feed.waitUntil(() => feed.group('sales')?.today.missed === 1, 'one missed leg');
    await feed.waitUntil(() => feed.agents.get(ada.user.id)?.missedToday === 1, 'ada missed one');
    await hangupOverHttp(unanswered.id, tenant.apiKey);
    await Promise.all([feed.close(), ada.tab.close()]);
  });

  test('heartbeats follow the snapshot; a socket that stops answering pings is terminated', async () => {
    const tenant = await server.createTenant('feed-heartbeat');
    const boss = await tenant.createUser('boss@heartbeat.test', { role: 'supervisor' });
    const feed = await FeedClient.connect(feedUrl(server.url, boss.token));
    const snapshot = feed.frames[0];
    assert.equal(snapshot.type, 'supervisor.snapshot');
    assert.equal(snapshot.type === 'supervisor.snapshot' && snapshot.heartbeatSeconds, 1);
    await feed.waitUntil(() => feed.heartbeats >= 2, 'two heartbeats on a quiet tenant', 4000);
    assert.equal(feed.closed, null, 'a socket that answers pings stays open');

    // A client whose pongs never come back (a sleeping laptop, a dead network) is dropped.
    const silent = new WebSocket(feedUrl(server.url, boss.token), { autoPong: false });
    const types: string[] = [];
    silent.on('message', (data) =>
      types.push((JSON.parse(data.toString()) as { type: string }).type),
    );
    const closed = await new Promise<number>((resolve) => silent.on('close', resolve));
    assert.equal(closed, 1006, 'terminated, not closed politely');
    assert.equal(types[0], 'supervisor.snapshot');
    assert.ok(types.includes('supervisor.heartbeat'));
    await feed.close();
  });

  // The service level against each threshold is checked on a controlled clock, with no sleeps
  // (supervisor-feed-clock.test.ts); here, that each group's threshold comes from its settings.
  test("each group's service-level threshold comes from the group's settings", async () => {
    const tenant = await server.createTenant('feed-threshold');
    const boss = await tenant.createUser('boss@threshold.test', { role: 'supervisor' });
    const ada = await tenant.createAgent('ada@threshold.test', 'Ada');
    await tenant.createRingGroup('strict', [ada.user.id], { serviceLevelSeconds: 1 });
    await tenant.createRingGroup('relaxed', [ada.user.id]);
    const feed = await FeedClient.connect(feedUrl(server.url, boss.token));
    assert.equal(feed.group('strict')?.serviceLevelSeconds, 1);
    assert.equal(feed.group('relaxed')?.serviceLevelSeconds, 20);
    await feed.close();
  });

  test('today starts from the records: a supervisor joining after calls ended sees their figures', async () => {
    const tenant = await server.createTenant('feed-records');
    const ada = await onlineAgent(server, 'ada@records.test', 'Ada', { tenant });
    await tenant.createRingGroup('help', [ada.user.id]);
    const call = await placeCall(server, '/group/help', { apiKey: tenant.apiKey });
    await ada.tab.waitForRinging();
    await ada.tab.request({ type: 'call.accept', callId: call.id });
    await ada.tab.waitForCall(call.id, 'connected');
    await hangupOverHttp(call.id, tenant.apiKey);
    await ada.tab.waitForCall(call.id, 'disconnected');

    const boss = await tenant.createUser('boss@records.test', { role: 'supervisor' });
    const feed = await FeedClient.connect(feedUrl(server.url, boss.token));
    assert.equal(feed.group('help')?.today.answered, 1);
    assert.equal(feed.agents.get(ada.user.id)?.answeredToday, 1);
    assert.equal(feed.calls.size, 0);
    await Promise.all([feed.close(), ada.tab.close()]);
  });

  test("only ever the supervisor's own tenant", async () => {
    const mine = await server.createTenant('feed-mine');
    const theirs = await server.createTenant('feed-theirs');
    const myBoss = await mine.createUser('boss@mine.test', { role: 'supervisor' });
    const theirAgent = await onlineAgent(server, 'eve@theirs.test', 'Eve', { tenant: theirs });
    await theirs.createRingGroup('secret', [theirAgent.user.id]);
    const feed = await FeedClient.connect(feedUrl(server.url, myBoss.token));
    const theirCall = await placeCall(server, '/group/secret', { apiKey: theirs.apiKey });
    await theirAgent.tab.waitForRinging();
    // Their step changed something; give our feed time to (wrongly) show it.
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(feed.calls.size, 0);
    assert.equal(feed.agents.size, 0);
    assert.deepEqual(feed.groups, []);
    assert.ok(
      feed.frames.every((frame) => !JSON.stringify(frame).includes(theirs.id)),
      'no frame mentions the other tenant',
    );
    await hangupOverHttp(theirCall.id, theirs.apiKey);
    await Promise.all([feed.close(), theirAgent.tab.close()]);
  });

  test('a burst of changes is coalesced into a few frames', async () => {
    const tenant = await server.createTenant('feed-burst');
    const boss = await tenant.createUser('boss@burst.test', { role: 'supervisor' });
    await tenant.createRingGroup('line', []);
    const feed = await FeedClient.connect(feedUrl(server.url, boss.token));
    const calls = await Promise.all(
      Array.from({ length: 30 }, () => placeCall(server, '/group/line', { apiKey: tenant.apiKey })),
    );
    await feed.waitUntil(() => feed.group('line')?.waiting === 30, 'thirty waiting');
    assert.equal(feed.calls.size, 30);
    assert.ok(feed.frames.length <= 6, `30 calls arrived in ${feed.frames.length} frames`);
    await Promise.all(calls.map((call) => hangupOverHttp(call.id, tenant.apiKey)));
    await feed.waitUntil(
      () => feed.calls.size === 0 && feed.group('line')?.today.abandoned === 30,
      'all abandoned',
    );
    await feed.close();
  });
});

/**
 * Who the supervisor's agents table lists, over real sockets: the people who take calls (ring
 * group members, anyone who came online), never a caller or a supervisor just because their tab
 * has a session; an agent is "on a call" only when they take part in it as an agent; and each
 * agent's talk, hold and handle time, live while a call lasts and from the records after.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import type { SupervisorAgent } from '../../protocol/supervisor-protocol.ts';
import type { ReportRow } from '../reports/report-schemas.ts';
import { requestJson, startTestServer, type TestServer } from '../test/harness.ts';
import { closeAll, onlineAgent, openTab, placeCall } from '../session/testing/scenario.ts';
import { FeedClient, feedUrl } from './testing/feed-client.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer({ ringTimeoutSeconds: 30, maxQueueWaitSeconds: 60 });
});
after(() => server.close());

test('callers and supervisors with a tab are not agents; an offline member dialling is not on a call', async () => {
  const tenant = await server.createTenant('feed-who');
  const boss = await tenant.createUser('boss@who.test', { role: 'supervisor', name: 'Boss' });
  const ada = await onlineAgent(server, 'ada@who.test', 'Ada', { tenant });
  const bea = await onlineAgent(server, 'bea@who.test', 'Bea', { tenant });
  const alan = await tenant.createAgent('alan@who.test', 'Alan');
  // Not in any group, but online: calls to /private/solo reach them, so they are an agent.
  const solo = await onlineAgent(server, 'solo@who.test', 'Solo', { tenant });
  // A customer created through the subscriber API gets role "agent" by default; their tab is
  // a session, but they only ever place calls.
  const kate = await tenant.createUser('kate@who.test', { name: 'Kate' });
  // A member of the group who never came online and calls the group, as the demo's caller does.
  const kim = await tenant.createAgent('kim@who.test', 'Kim');
  await tenant.createRingGroup('support', [ada.user.id, bea.user.id, alan.user.id, kim.user.id]);
  const bossTab = await openTab(server, boss, { online: false });
  const kateTab = await openTab(server, kate, { online: false });
  const kimTab = await openTab(server, kim, { online: false });

  const feed = await FeedClient.connect(feedUrl(server.url, boss.token));
  // Ada takes Kate's call, then Bea takes Kim's.
  const answer = async (caller: typeof kateTab, agent: typeof ada) => {
    const dialled = await caller.request({ type: 'call.dial', to: '/group/support' });
    assert.equal(dialled.type, 'outgoing_call', JSON.stringify(dialled));
    const callId = (dialled as { call: { id: string } }).call.id;
    await agent.tab.waitForCall(callId, 'ringing');
    await agent.tab.request({ type: 'call.accept', callId });
    await feed.waitUntil(
      () => feed.agents.get(agent.user.id)?.currentCallId === callId,
      `${agent.user.username} on the call`,
    );
    return callId;
  };
  await answer(kateTab, ada);
  const kimCall = await answer(kimTab, bea);
  await kimTab.waitForOutgoing(kimCall, (call) => call.status === 'connected', 'connected');

  assert.deepEqual(
    [...feed.agents.values()].map((agent) => agent.name).sort(),
    ['Ada', 'Alan', 'Bea', 'Kim', 'Solo'],
    'the table lists the people who take calls, not the caller or the supervisor',
  );
  const kimRow = feed.agents.get(kim.user.id)!;
  assert.deepEqual(
    { presence: kimRow.presence, currentCallId: kimRow.currentCallId },
    { presence: 'offline', currentCallId: null },
    'an offline member talking on a call they placed is its caller, not an agent on a call',
  );
  await Promise.all([
    feed.close(),
    closeAll([ada.tab, bea.tab, solo.tab, bossTab, kateTab, kimTab]),
  ]);
});

test("an agent's talk, hold and handle time: the part in progress live, then today's from the records", async () => {
  const tenant = await server.createTenant('feed-times');
  const boss = await tenant.createUser('boss@times.test', { role: 'supervisor' });
  const ada = await onlineAgent(server, 'ada@times.test', 'Ada', { tenant });
  await tenant.createRingGroup('help', [ada.user.id], { wrapUpSeconds: 60 });
  const feed = await FeedClient.connect(feedUrl(server.url, boss.token));
  assert.deepEqual(
    pick(feed.agents.get(ada.user.id)!),
    { talkMsToday: 0, holdMsToday: 0, averageHandleMsToday: null, currentCall: null },
    'nothing handled yet',
  );

  const call = await placeCall(server, '/group/help', { apiKey: tenant.apiKey });
  await ada.tab.waitForCall(call.id, 'ringing');
  await ada.tab.request({ type: 'call.accept', callId: call.id });
  const answered = await ada.tab.waitForCall(call.id, 'connected');
  const talking = await feed.waitUntil(
    () => feed.agents.get(ada.user.id)?.currentCall,
    'the part in progress',
  );
  assert.deepEqual(talking, { since: answered.answeredAt, heldMs: 0, heldSince: null });

  // The durations are real time on a real server: short, and only ever checked from below.
  await delay(300);
  await ada.tab.request({ type: 'call.hold', callId: call.id });
  const held = await feed.waitUntil(() => {
    const agent = feed.agents.get(ada.user.id);
    return typeof agent?.currentCall?.heldSince === 'number' && agent;
  }, 'the hold in progress');
  assert.equal(held.talkMsToday, 0, 'the records count a part once it is over');
  await delay(300);
  await ada.tab.request({ type: 'call.resume', callId: call.id });
  const resumed = await feed.waitUntil(() => {
    const part = feed.agents.get(ada.user.id)?.currentCall;
    return part && part.heldSince === null && part.heldMs > 0 && part;
  }, 'the hold over');
  assert.ok(resumed.heldMs >= 250, `held ${resumed.heldMs} ms`);

  await ada.tab.request({ type: 'call.hangup', callId: call.id });
  const ended = await feed.waitUntil(() => {
    const agent = feed.agents.get(ada.user.id);
    return agent?.currentCall === null && agent.talkMsToday > 0 && agent;
  }, "today's times from the records once the call ended");
  assert.ok(ended.talkMsToday >= 250, `talk ${ended.talkMsToday} ms`);
  assert.ok(ended.holdMsToday >= 250, `hold ${ended.holdMsToday} ms`);
  // Wrap-up is still running: handle time counts only finished after-call work.
  const beforeWrapUp = ended.averageHandleMsToday!;
  assert.ok(beforeWrapUp >= ended.talkMsToday + ended.holdMsToday - 1, `${beforeWrapUp}`);

  await delay(200);
  await ada.tab.request({ type: 'wrap_up.end' });
  const wrapped = await feed.waitUntil(() => {
    const agent = feed.agents.get(ada.user.id);
    return agent && agent.averageHandleMsToday! >= beforeWrapUp + 150 && agent;
  }, 'handle time with the finished wrap-up');

  // The same figures as the agent report for today (UTC).
  const day = new Date().toISOString().slice(0, 10);
  const report = await requestJson<{ rows: ReportRow[] }>(
    server.url,
    'GET',
    `/api/reports?from=${day}&to=${day}&by=agent`,
    { token: boss.token },
  );
  const row = report.body.rows.find((candidate) => candidate.agent?.id === ada.user.id)!;
  assert.deepEqual(
    { talk: wrapped.talkMsToday, hold: wrapped.holdMsToday, aht: wrapped.averageHandleMsToday },
    { talk: row.talkMs, hold: row.holdMs, aht: row.ahtMs },
  );
  await Promise.all([feed.close(), ada.tab.close()]);
});

const pick = ({
  talkMsToday,
  holdMsToday,
  averageHandleMsToday,
  currentCall,
}: SupervisorAgent) => ({
  talkMsToday,
  holdMsToday,
  averageHandleMsToday,
  currentCall,
});

/**
 * An agent's own missed and declined calls, and who ended each call, over a real server on
 * real sockets, on the embedded database and on PostgreSQL: `/api/history?rung=true` (the
 * desk's Recent calls) lists the calls that rang the agent and that they did not take, with
 * `agentOutcome`; `endedBy` is recorded once and read back by `/api/history` and
 * `/api/calls/:id`; another tenant never sees them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createPostgresTestSchema,
  requestJson,
  startTestServer,
  type TestServer,
} from '../test/harness.ts';
import { closeAll, onlineAgent, placeCall } from '../session/testing/scenario.ts';

async function missedCallsScenario(server: TestServer): Promise<void> {
  const get = (path: string, token: string) => requestJson(server.url, 'GET', path, { token });
  const [ada, grace] = await Promise.all([
    onlineAgent(server, 'miss-ada@m.test', 'Ada'),
    onlineAgent(server, 'miss-grace@m.test', 'Grace'),
  ]);
  const sam = await server.createUser('miss-sam@m.test', { role: 'supervisor', name: 'Sam' });
  await server.tenant.createRingGroup('front', [ada.user.id, grace.user.id], {
    ringTimeoutSeconds: 20,
  });

  // 1. Rings Ada and Grace; Grace answers; the caller (the API) hangs up.
  const answered = await placeCall(server, '/group/front', { from: 'Customer One' });
  await Promise.all([
    ada.tab.waitForCall(answered.id, 'ringing'),
    grace.tab.waitForCall(answered.id, 'ringing'),
  ]);
  await grace.tab.request({ type: 'call.accept', callId: answered.id });
  await grace.tab.waitForCall(answered.id, 'connected');
  await new Promise((resolve) => setTimeout(resolve, 50)); // some talk time
  const hungUp = await requestJson(server.url, 'POST', `/api/calls/${answered.id}/hangup`, {
    token: server.apiKey,
  });
  assert.equal(hungUp.status, 200, JSON.stringify(hungUp.body));
  assert.deepEqual(hungUp.body.endedBy, { kind: 'caller', user: null });

  // 2. Ada declines a call to her alone.
  const declined = await placeCall(server, ada.address, { from: 'Customer Two' });
  await ada.tab.waitForCall(declined.id, 'ringing');
  await ada.tab.request({ type: 'call.reject', callId: declined.id });
  await ada.tab.waitForCall(declined.id, 'disconnected', 'rejected');

  // 3. Grace answers; Sam, a supervisor, ends the call through the API.
  const forced = await placeCall(server, grace.address, { from: 'Customer Three' });
  await grace.tab.waitForCall(forced.id, 'ringing');
  await grace.tab.request({ type: 'call.accept', callId: forced.id });
  await grace.tab.waitForCall(forced.id, 'connected');
  const ended = await requestJson(server.url, 'POST', `/api/calls/${forced.id}/hangup`, {
    token: sam.token,
  });
  assert.equal(ended.status, 200, JSON.stringify(ended.body));
  assert.deepEqual(ended.body.endedBy, {
    kind: 'supervisor',
    user: { id: sam.user.id, name: 'Sam' },
  });

  // 4. Grace hangs up on a call she answered.
  const graceHungUp = await placeCall(server, grace.address, { from: 'Customer Four' });
  await grace.tab.waitForCall(graceHungUp.id, 'ringing');
  await grace.tab.request({ type: 'call.accept', callId: graceHungUp.id });
  await grace.tab.waitForCall(graceHungUp.id, 'connected');
  await grace.tab.request({ type: 'call.hangup', callId: graceHungUp.id });
  await grace.tab.waitForCall(graceHungUp.id, 'disconnected', 'hangup');

  // Ada's desk: both calls that rang her, missed and declined, newest first.
  const adaDesk = await get('/api/history?rung=true', ada.token);
  assert.equal(adaDesk.status, 200, JSON.stringify(adaDesk.body));
  assert.deepEqual(
    adaDesk.body.calls.map((call: any) => [call.from.name, call.agentOutcome, call.endedBy]),
    [
      ['Customer Two', 'declined', { kind: 'agent', user: { id: ada.user.id, name: 'Ada' } }],
      ['Customer One', 'missed', { kind: 'caller', user: null }],
    ],
  );
  assert.deepEqual(
    (await get('/api/history', ada.token)).body.calls,
    [],
    'without rung, history stays the calls the agent handled or placed',
  );

  // Grace's desk: the one she answered shows who hung up and how long she talked.
  const graceDesk = await get(`/api/history?rung=true&agentId=${grace.user.id}`, grace.token);
  assert.deepEqual(
    graceDesk.body.calls.map((call: any) => [
      call.from.name,
      call.agentOutcome,
      call.endedBy?.kind,
      call.endedBy?.user?.name ?? null,
    ]),
    [
      ['Customer Four', 'answered', 'agent', 'Grace'],
      ['Customer Three', 'answered', 'supervisor', 'Sam'],
      ['Customer One', 'answered', 'caller', null],
    ],
  );
  const one = graceDesk.body.calls.at(-1);
  assert.ok(one.talkMs >= 50, `talk time recorded: ${one.talkMs}`);

  // The record (after the call left routing) says the same as the live call did.
  await server.app.services.records.flush();
  const [row] = await server.database.query<{ ended_by: string; ended_by_user_id: string | null }>(
    `SELECT ended_by, ended_by_user_id FROM calls WHERE id = $1`,
    [forced.id],
  );
  assert.deepEqual({ ...row }, { ended_by: 'supervisor', ended_by_user_id: sam.user.id });
  const recorded = await server.app.services.records.find(server.tenant.id, forced.id);
  assert.deepEqual(recorded?.endedBy, {
    kind: 'supervisor',
    user: { id: sam.user.id, name: 'Sam' },
  });
  const timeline = await get(`/api/history/${answered.id}`, sam.token);
  assert.deepEqual(timeline.body.call.endedBy, { kind: 'caller', user: null });

  // A supervisor may ask for an agent's desk; `rung` alone is a question without an agent.
  const samView = await get(`/api/history?rung=true&agentId=${ada.user.id}`, sam.token);
  assert.deepEqual(
    samView.body.calls.map((call: any) => call.agentOutcome),
    ['declined', 'missed'],
  );
  const noAgent = await get('/api/history?rung=true', sam.token);
  assert.equal(noAgent.status, 400);
  assert.match(noAgent.body.message, /rung needs agentId/);

  // Tenant isolation: another tenant's agent and supervisor see none of it, even by Ada's id.
  const other = server.otherTenant;
  const outsider = await onlineAgent(server, 'miss-out@m.test', 'Ada', { tenant: other });
  const otherSam = await other.createUser('miss-sam@other.test', { role: 'supervisor' });
  const outsiderDesk = await get('/api/history?rung=true', outsider.token);
  assert.equal(outsiderDesk.status, 200);
  assert.deepEqual(outsiderDesk.body.calls, []);
  const byForeignId = await get(`/api/history?rung=true&agentId=${ada.user.id}`, otherSam.token);
  assert.equal(byForeignId.status, 200);
  assert.deepEqual(byForeignId.body.calls, []);
  assert.equal((await get(`/api/calls/${answered.id}`, other.apiKey)).status, 404);

  await closeAll([ada.tab, grace.tab, outsider.tab]);
}

test('missed and declined calls and who ended each, on the embedded database', async () => {
  const server = await startTestServer();
  try {
    await missedCallsScenario(server);
  } finally {
    await server.close();
  }
});

test('missed and declined calls and who ended each, on PostgreSQL', async (t) => {
  const schema = await createPostgresTestSchema();
  if (!schema) return t.skip('PostgreSQL not reachable');
  try {
    const server = await startTestServer({ databaseUrl: schema.url });
    try {
      await missedCallsScenario(server);
    } finally {
      await server.close();
    }
  } finally {
    await schema.drop();
  }
});

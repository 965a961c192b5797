/**
 * Call records on both engines: the same scenario on the embedded PGlite and on PostgreSQL, then
 * the rows in calls and call_legs are read back with SQL. Also: a call left unfinished by a
 * crash is marked failed at the next boot.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../app.ts';
import {
  createPostgresTestSchema,
  startTestServer,
  testConfig,
  type TestServer,
} from '../test/harness.ts';
import { closeAll, onlineAgent, placeCall } from '../session/testing/scenario.ts';

interface CallRowRead {
  status: string;
  end_reason: string | null;
  answered_by_user_id: string | null;
  ring_group_id: string | null;
  from_name: string;
  origin: string;
  params: unknown;
  queue_wait_ms: number | null;
  talk_ms: number | null;
  hold_ms: number | null;
  missed_rings: number | null;
  declined_rings: number | null;
  answered_at: unknown;
  ended_at: unknown;
}

async function recordsScenario(server: TestServer): Promise<void> {
  const [ada, bob] = await Promise.all([
    onlineAgent(server, 'rec-ada@r.test', 'Ada'),
    onlineAgent(server, 'rec-bob@r.test', 'Bob'),
  ]);
  const offline = await server.createAgent('rec-offline@r.test');
  const group = await server.tenant.createRingGroup(
    'records',
    [ada.user.id, bob.user.id, offline.user.id],
    {
      // Long enough that the reject and the accept below land inside their attempt on a busy machine.
      ringTimeoutSeconds: 2,
      retryIntervalSeconds: 0,
    },
  );

  // Attempt 1: Ada declines, Bob lets it ring out. Attempt 2: Bob answers, then hangs up.
  const answered = await placeCall(server, '/group/records', {
    from: 'Recorded Caller',
    params: { case: '1' },
  });
  await Promise.all([
    ada.tab.waitForCall(answered.id, 'ringing'),
    bob.tab.waitForCall(answered.id, 'ringing'),
  ]);
  await ada.tab.request({ type: 'call.reject', callId: answered.id });
  await bob.tab.waitUntil(
    () =>
      bob.tab.call(answered.id)?.attempt === 2 && bob.tab.call(answered.id)?.status === 'ringing',
    'attempt 2',
  );
  await bob.tab.request({ type: 'call.accept', callId: answered.id });
  await bob.tab.request({ type: 'call.hangup', callId: answered.id });

  // Cancelled by the caller while ringing.
  const cancelled = await placeCall(server, '/group/records', { from: 'Impatient Caller' });
  await ada.tab.waitForCall(cancelled.id, 'ringing');
  await fetch(`${server.url}/api/calls/${cancelled.id}/hangup`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.apiKey}` },
  });
  await ada.tab.waitForCall(cancelled.id, 'disconnected', 'caller_cancelled');

  await server.app.services.records.flush();
  const read = (callId: string) =>
    server.database.query<CallRowRead>(`SELECT * FROM calls WHERE id = $1`, [callId]);
  const legs = (callId: string) =>
    server.database.query<{
      user_id: string;
      attempt: number;
      outcome: string;
      rung_at: unknown;
      ended_at: unknown;
    }>(
      `SELECT user_id, attempt, outcome, rung_at, ended_at FROM call_legs WHERE call_id = $1 ORDER BY attempt, user_id`,
      [callId],
    );

  const [answeredRow] = await read(answered.id);
  assert.equal(answeredRow.status, 'ended');
  assert.equal(answeredRow.end_reason, 'hangup');
  assert.equal(answeredRow.answered_by_user_id, bob.user.id);
  assert.equal(answeredRow.ring_group_id, group.id);
  assert.equal(answeredRow.from_name, 'Recorded Caller');
  assert.equal(answeredRow.origin, 'api');
  assert.deepEqual(answeredRow.params, { case: '1' });
  assert.ok(Number(answeredRow.queue_wait_ms) >= 2000, 'waited at least one ring timeout');
  assert.ok(Number(answeredRow.talk_ms) >= 0);
  assert.equal(answeredRow.hold_ms, 0, 'answered, never held');
  assert.ok(answeredRow.answered_at instanceof Date && answeredRow.ended_at instanceof Date);
  const byUser = (userId: string) =>
    userId === ada.user.id ? 'ada' : userId === bob.user.id ? 'bob' : 'other';
  const answeredLegs = (await legs(answered.id))
    .map((leg) => `${leg.attempt}:${byUser(leg.user_id)}:${leg.outcome}`)
    .sort();
  assert.deepEqual(answeredLegs, [
    '1:ada:rejected',
    '1:bob:missed',
    '2:ada:answered_elsewhere',
    '2:bob:answered',
  ]);
  assert.deepEqual(
    [answeredRow.missed_rings, answeredRow.declined_rings],
    [1, 1],
    "the call's row counts its missed and declined rings (reports read them there)",
  );

  const [cancelledRow] = await read(cancelled.id);
  assert.deepEqual(
    [
      cancelledRow.status,
      cancelledRow.end_reason,
      cancelledRow.answered_by_user_id,
      cancelledRow.talk_ms,
      cancelledRow.hold_ms,
    ],
    ['ended', 'caller_cancelled', null, null, null],
  );
  assert.deepEqual(
    (await legs(cancelled.id)).map((leg) => leg.outcome),
    ['caller_cancelled', 'caller_cancelled'],
  );
  await closeAll([ada.tab, bob.tab]);
}

test('records every call and leg in the embedded database, and fails calls a crash left unfinished', async () => {
  const server = await startTestServer();
  try {
    await recordsScenario(server);
    await server.database.query(
      `INSERT INTO calls (id, tenant_id, from_name, from_address, to_address, origin, status, created_at, answered_at)
       VALUES ('left-connected', $1, 'X', 'X', '/private/x', 'api', 'connected', now(), now())`,
      [server.tenant.id],
    );
    // A second boot over the same database, as after a crash.
    const restarted = await buildApp(testConfig(), server.database);
    await restarted.close();
    const [row] = await server.database.query<{
      status: string;
      end_reason: string;
      ended_at: unknown;
    }>(`SELECT status, end_reason, ended_at FROM calls WHERE id = 'left-connected'`);
    assert.deepEqual([row.status, row.end_reason], ['ended', 'failed']);
    assert.ok(row.ended_at instanceof Date);
  } finally {
    await server.close();
  }
});

test('records every call and leg in PostgreSQL, and fails calls a crash left unfinished', async (t) => {
  const schema = await createPostgresTestSchema();
  if (!schema) return t.skip('PostgreSQL not reachable');
  try {
    const server = await startTestServer({ databaseUrl: schema.url });
    let tenantId: string;
    try {
      await recordsScenario(server);
      tenantId = server.tenant.id;
      // As if the process died mid-call: a row that never got its end.
      await server.database.query(
        `INSERT INTO calls (id, tenant_id, from_name, from_address, to_address, origin, status, created_at)
         VALUES ('crashed-call', $1, 'X', 'X', '/group/records', 'api', 'ringing', now())`,
        [tenantId],
      );
    } finally {
      await server.close();
    }
    const restarted = await buildApp(testConfig({ databaseUrl: schema.url }));
    try {
      const [row] = await restarted.services.database.query<{ status: string; end_reason: string }>(
        `SELECT status, end_reason FROM calls WHERE id = 'crashed-call'`,
      );
      assert.deepEqual(row, { status: 'ended', end_reason: 'failed' });
    } finally {
      await restarted.close();
    }
  } finally {
    await schema.drop();
  }
});

/**
 * Every call routing accepted has a record, even when its text cannot be stored as given
 * (PostgreSQL text cannot hold U+0000). The HTTP and WebSocket schemas refuse such text, but
 * calls also come from inside (phones through LiveKit SIP), so the records hold the line too.
 */
async function recordsUnstorableText(server: TestServer): Promise<void> {
  const agent = await server.createAgent('rec-text@r.test');
  const { router, records } = server.app.services;
  const call = await router.placeCall(server.tenant.id, {
    from: { name: 'Bad\u0000Name', address: 'sip:\u0000x@example.test' },
    to: agent.address,
    params: { 'ke\u0000y': 'va\u0000lue' },
  });
  const recorded = await records.find(server.tenant.id, call.id);
  assert.ok(recorded, 'the accepted call has no record');
  assert.equal(recorded.from.name, 'Bad\uFFFDName');
  assert.deepEqual(recorded.params, { 'ke\uFFFDy': 'va\uFFFDlue' });
}

test('a call whose text the embedded database cannot store is still recorded', async () => {
  const server = await startTestServer();
  try {
    await recordsUnstorableText(server);
  } finally {
    await server.close();
  }
});

test('a call whose text PostgreSQL cannot store is still recorded', async (t) => {
  const schema = await createPostgresTestSchema();
  if (!schema) return t.skip('PostgreSQL not reachable');
  try {
    const server = await startTestServer({ databaseUrl: schema.url });
    try {
      await recordsUnstorableText(server);
    } finally {
      await server.close();
    }
  } finally {
    await schema.drop();
  }
});

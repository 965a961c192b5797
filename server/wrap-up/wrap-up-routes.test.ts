/**
 * `/api/calls/:callId/wrap-up` over real sockets: only agents who answered the call write one,
 * the edit window after the call, disposition checks, transfers (both agents handled the call),
 * bad input and tenant isolation.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { requestJson, startTestServer, type TestServer } from '../test/harness.ts';
import { expectRefused, malformedBodies } from '../test/bad-requests.ts';
import { onlineAgent, placeCall, type Agent } from '../session/testing/scenario.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer({ ringTimeoutSeconds: 20 });
});
after(() => server.close());

const wrapUp = (callId: string, token: string, body?: unknown) =>
  requestJson(server.url, body === undefined ? 'GET' : 'PUT', `/api/calls/${callId}/wrap-up`, {
    token,
    body,
  });

/** A call to `agent` that the agent answered; hang it up with `hangUp`. */
async function answeredCall(agent: Agent, params?: Record<string, string>) {
  const call = await placeCall(server, agent.address, { params });
  await agent.tab.waitForCall(call.id, 'ringing');
  await agent.tab.request({ type: 'call.accept', callId: call.id });
  await agent.tab.waitForCall(call.id, 'connected');
  return {
    id: call.id,
    hangUp: async () => {
      await agent.tab.request({ type: 'call.hangup', callId: call.id });
      await agent.tab.waitForCall(call.id, 'disconnected', 'hangup');
    },
  };
}

describe('wrap-up API', { concurrency: true }, () => {
  test('the answering agent saves a note during the call and a disposition after it', async () => {
    const ada = await onlineAgent(server, 'ada@w.test', 'Ada Lovelace');
    const call = await answeredCall(ada);

    const empty = await wrapUp(call.id, ada.token);
    assert.equal(empty.status, 200);
    assert.deepEqual(empty.body, {
      callId: call.id,
      userId: ada.user.id,
      dispositionCode: null,
      note: '',
      startedAt: null,
      endedAt: null,
      updatedAt: null,
      editableUntil: null,
    });

    const during = await wrapUp(call.id, ada.token, { note: 'Asked about invoice 42' });
    assert.equal(during.status, 200);
    assert.equal(during.body.note, 'Asked about invoice 42');
    assert.equal(during.body.editableUntil, null, 'a live call stays editable');
    assert.equal(typeof during.body.updatedAt, 'number');
    assert.equal(typeof during.body.startedAt, 'number');

    await call.hangUp();
    const afterCall = await wrapUp(call.id, ada.token, { dispositionCode: 'resolved' });
    assert.equal(afterCall.status, 200);
    assert.equal(afterCall.body.dispositionCode, 'resolved');
    assert.equal(afterCall.body.note, 'Asked about invoice 42', 'an omitted note is kept');
    const record = await requestJson(server.url, 'GET', `/api/calls/${call.id}`, {
      token: server.apiKey,
    });
    assert.equal(afterCall.body.editableUntil, record.body.endedAt + 24 * 3_600_000);

    // Read back once the call has left routing and only its record remains.
    await ada.tab.waitForGone(call.id);
    const read = await wrapUp(call.id, ada.token);
    assert.deepEqual(read.body, afterCall.body);

    const cleared = await wrapUp(call.id, ada.token, { dispositionCode: null, note: '' });
    assert.deepEqual([cleared.body.dispositionCode, cleared.body.note], [null, '']);
    await ada.tab.close();
  });

  test('agents who did not answer, supervisors and API keys cannot write it', async () => {
    const ada = await onlineAgent(server, 'ada2@w.test', 'Ada Two');
    const grace = await onlineAgent(server, 'grace2@w.test', 'Grace Two');
    await server.tenant.createRingGroup('wrap-two', [ada.user.id, grace.user.id]);
    const call = await placeCall(server, '/group/wrap-two');
    await grace.tab.waitForCall(call.id, 'ringing');
    await ada.tab.waitForCall(call.id, 'ringing');
    await ada.tab.request({ type: 'call.accept', callId: call.id });
    await grace.tab.waitForCall(call.id, 'disconnected', 'answered_elsewhere');
    const supervisor = await server.createUser('sup2@w.test', { role: 'supervisor' });

    for (const [who, token] of [
      ['rung but answered elsewhere', grace.token],
      ['a supervisor', supervisor.token],
    ] as const) {
      for (const body of [undefined, { note: 'mine' }]) {
        const refused = await wrapUp(call.id, token, body);
        assert.equal(refused.status, 403, `${who}: ${JSON.stringify(refused.body)}`);
        assert.match(refused.body.message, /only an agent who answered this call/);
      }
    }
    const apiKey = await wrapUp(call.id, server.apiKey, { note: 'x' });
    assert.equal(apiKey.status, 401);
    assert.equal((await wrapUp(call.id, '')).status, 401);
    assert.equal((await wrapUp(call.id, ada.token)).body.note, '', 'nothing was written');
    await Promise.all([ada.tab.close(), grace.tab.close()]);
  });

  test('unknown and other tenants’ calls are 404 alike', async () => {
    const ada = await onlineAgent(server, 'ada3@w.test');
    const call = await answeredCall(ada);
    const twin = await server.otherTenant.createAgent('ada3@w.test');
    const unknown = await wrapUp('no-such-call', ada.token);
    assert.equal(unknown.status, 404);
    for (const body of [undefined, { note: 'x' }]) {
      const foreign = await wrapUp(call.id, twin.token, body);
      assert.deepEqual(
        [foreign.status, foreign.body.message],
        [404, unknown.body.message.replace('no-such-call', call.id)],
      );
    }
    await call.hangUp();
    await ada.tab.close();
  });

  test('a disposition must be an active one of the tenant; a deactivated one already saved may stay', async () => {
    const ada = await onlineAgent(server, 'ada4@w.test');
    const call = await answeredCall(ada);
    const admin = await server.createUser('admin4@w.test', { role: 'admin' });
    const other = await server.otherTenant.createUser('admin4@w.test', { role: 'admin' });
    await requestJson(server.url, 'POST', '/api/dispositions', {
      token: other.token,
      body: { code: 'other-tenants', label: 'Theirs' },
    });
    const created = await requestJson(server.url, 'POST', '/api/dispositions', {
      token: admin.token,
      body: { code: 'retired-soon', label: 'Retired soon' },
    });
    assert.equal(
      (await wrapUp(call.id, ada.token, { dispositionCode: 'retired-soon' })).status,
      200,
    );
    await requestJson(server.url, 'PATCH', `/api/dispositions/${created.body.id}`, {
      token: admin.token,
      body: { active: false },
    });
    const keep = await wrapUp(call.id, ada.token, {
      dispositionCode: 'retired-soon',
      note: 'kept',
    });
    assert.equal(keep.status, 200, JSON.stringify(keep.body));

    await call.hangUp();
    for (const code of ['no-such-code', 'other-tenants']) {
      const refused = await wrapUp(call.id, ada.token, { dispositionCode: code, note: 'changed' });
      assert.equal(refused.status, 400, code);
      assert.match(refused.body.message, new RegExp(`"${code}" is not an active disposition`));
    }
    const freshCall = await answeredCall(ada);
    const inactive = await wrapUp(freshCall.id, ada.token, { dispositionCode: 'retired-soon' });
    assert.equal(inactive.status, 400);
    const read = await wrapUp(call.id, ada.token);
    assert.deepEqual([read.body.dispositionCode, read.body.note], ['retired-soon', 'kept']);
    await freshCall.hangUp();
    await ada.tab.close();
  });

  test('after WRAP_UP_EDIT_HOURS it can be read but no longer changed (409)', async () => {
    const ada = await onlineAgent(server, 'ada5@w.test');
    const call = await answeredCall(ada);
    await wrapUp(call.id, ada.token, { dispositionCode: 'resolved', note: 'on time' });
    await call.hangUp();
    await ada.tab.waitForGone(call.id);
    // Reading the record waits for the write-behind queue, so nothing overwrites the change below.
    await requestJson(server.url, 'GET', `/api/calls/${call.id}`, { token: server.apiKey });
    // The record says the call ended just over a day ago.
    await server.database.query(
      `UPDATE calls SET ended_at = now() - interval '24 hours 1 minute' WHERE id = $1`,
      [call.id],
    );
    const late = await wrapUp(call.id, ada.token, { note: 'too late' });
    assert.equal(late.status, 409);
    assert.match(
      late.body.message,
      /can no longer be changed \(editable for 24 h after the call\)/,
    );
    const read = await wrapUp(call.id, ada.token);
    assert.deepEqual([read.status, read.body.note], [200, 'on time']);
    assert.ok(read.body.editableUntil < Date.now());

    await server.database.query(
      `UPDATE calls SET ended_at = now() - interval '23 hours 59 minutes' WHERE id = $1`,
      [call.id],
    );
    assert.equal((await wrapUp(call.id, ada.token, { note: 'just in time' })).status, 200);
    await ada.tab.close();
  });

  test('after a blind transfer both agents handled the call and each has their own row', async () => {
    const ada = await onlineAgent(server, 'ada6@w.test', 'Ada Six');
    const bob = await onlineAgent(server, 'bob6@w.test', 'Bob Six');
    const call = await answeredCall(ada);
    await ada.tab.request({
      type: 'call.transfer',
      callId: call.id,
      to: bob.address,
      mode: 'blind',
    });
    await ada.tab.waitForCall(call.id, 'disconnected', 'transferred');
    // Ada wraps up while Bob still rings and then talks to the caller.
    const adas = await wrapUp(call.id, ada.token, { dispositionCode: 'escalated', note: 'to Bob' });
    assert.equal(adas.status, 200, JSON.stringify(adas.body));
    assert.equal(adas.body.editableUntil, null);
    await bob.tab.waitForCall(call.id, 'ringing');
    assert.equal((await wrapUp(call.id, bob.token, { note: 'ringing only' })).status, 403);
    await bob.tab.request({ type: 'call.accept', callId: call.id });
    await bob.tab.waitForCall(call.id, 'connected');
    const bobs = await wrapUp(call.id, bob.token, { dispositionCode: 'resolved' });
    assert.equal(bobs.status, 200);
    await bob.tab.request({ type: 'call.hangup', callId: call.id });
    await bob.tab.waitForGone(call.id);
    assert.deepEqual(
      [
        (await wrapUp(call.id, ada.token)).body.dispositionCode,
        (await wrapUp(call.id, bob.token)).body.dispositionCode,
      ],
      ['escalated', 'resolved'],
    );
    await Promise.all([ada.tab.close(), bob.tab.close()]);
  });

  test('bad bodies are refused clearly and change nothing', async () => {
    const ada = await onlineAgent(server, 'ada7@w.test');
    const call = await answeredCall(ada);
    const path = `/api/calls/${call.id}/wrap-up`;
    const put = (label: string, body: unknown, message: RegExp) => ({
      label,
      method: 'PUT',
      path,
      body,
      status: 400,
      message,
    });
    await expectRefused(
      server,
      [
        ...malformedBodies('PUT', path, { note: 'fine' }),
        put('code upper case', { dispositionCode: 'Resolved' }, /dispositionCode/),
        put('code a number', { dispositionCode: 7 }, /dispositionCode/),
        put('note a number', { note: 7 }, /note must be string/),
        put('note too long', { note: 'x'.repeat(4001) }, /note must not have more than 4000/),
        put('userId in body', { userId: 'someone-else' }, /unknown property "userId"/),
      ],
      { token: ada.token, snapshot: async () => (await wrapUp(call.id, ada.token)).body },
    );
    await call.hangUp();
    await ada.tab.close();
  });
});

describe('wrap-up edit window of 0 hours', () => {
  let strict: TestServer;
  before(async () => {
    strict = await startTestServer({ ringTimeoutSeconds: 20, wrapUpEditHours: 0 });
  });
  after(() => strict.close());

  test('the wrap-up is editable during the call only', async () => {
    const agent = await onlineAgent(strict, 'ada@strict.test');
    const call = await placeCall(strict, agent.address);
    await agent.tab.waitForCall(call.id, 'ringing');
    await agent.tab.request({ type: 'call.accept', callId: call.id });
    const put = (body: unknown) =>
      requestJson(strict.url, 'PUT', `/api/calls/${call.id}/wrap-up`, { token: agent.token, body });
    assert.equal((await put({ note: 'during' })).status, 200);
    await agent.tab.request({ type: 'call.hangup', callId: call.id });
    await agent.tab.waitForCall(call.id, 'disconnected', 'hangup');
    assert.equal((await put({ note: 'after' })).status, 409);
    await agent.tab.close();
  });
});

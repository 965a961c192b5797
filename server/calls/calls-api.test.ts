/**
 * The calls HTTP API, and tenant isolation across every call endpoint and session message: an
 * id from another tenant must behave exactly like an id that does not exist.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { requestJson, startTestServer, type TestServer } from '../test/harness.ts';
import {
  closeAll,
  getCall,
  onlineAgent,
  placeCall,
  waitForCallState,
} from '../session/testing/scenario.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer({ ringTimeoutSeconds: 20 });
});
after(() => server.close());

const post = (path: string, body: unknown, token = server.apiKey) =>
  requestJson(server.url, 'POST', path, { token, body });
const get = (path: string, token = server.apiKey) =>
  requestJson(server.url, 'GET', path, { token });

describe('calls API', { concurrency: true }, () => {
  test('POST /api/calls places a call and answers 201 with its detail', async () => {
    const ada = await onlineAgent(server, 'place@c.test', 'Place Ada');
    const response = await post('/api/calls', {
      from: { name: 'Grace', address: 'sip:grace@example.com' },
      to: ada.address,
      params: { order: '9' },
    });
    assert.equal(response.status, 201);
    assert.deepEqual(
      {
        ...response.body,
        id: typeof response.body.id,
        createdAt: typeof response.body.createdAt,
        legs: response.body.legs.length,
      },
      {
        id: 'string',
        origin: 'api',
        from: { name: 'Grace', address: 'sip:grace@example.com' },
        to: { name: 'Place Ada', address: ada.address },
        ringGroup: null,
        status: 'ringing',
        endReason: null,
        endedBy: null,
        answeredBy: null,
        params: { order: '9' },
        createdAt: 'number',
        answeredAt: null,
        endedAt: null,
        queueWaitMs: null,
        talkMs: null,
        legs: 1,
      },
    );
    const view = await ada.tab.waitForCall(response.body.id, 'ringing');
    assert.deepEqual(view.from, { name: 'Grace', address: 'sip:grace@example.com' });
    const short = await post('/api/calls', { from: 'Plain Caller', to: ada.address });
    assert.deepEqual(short.body.from, { name: 'Plain Caller', address: 'Plain Caller' });
    await ada.tab.close();
  });

  test('bad bodies are refused with 400 and a clear message; unknown targets with 404', async () => {
    const ada = await server.createAgent('bad-body@c.test');
    const table: [string, unknown, number, RegExp][] = [
      ['no body fields', {}, 400, /"from"|"to"/],
      ['missing to', { from: 'X' }, 400, /"to"/],
      [
        'a script step that is no test pattern or media file (more in media-script/)',
        { from: 'X', to: ada.address, script: [{ play: 'tone' }] },
        400,
        /script\/0 play must be "test-pattern" or a media file name/,
      ],
      ['from with extra field', { from: { name: 'X', phone: '1' }, to: ada.address }, 400, /from/],
      ['empty from', { from: '', to: ada.address }, 400, /from/],
      ['number params', { from: 'X', to: ada.address, params: { a: 1 } }, 400, /params/],
      ['priority 10', { from: 'X', to: ada.address, priority: 10 }, 400, /priority must be <= 9/],
      [
        'priority negative',
        { from: 'X', to: ada.address, priority: -1 },
        400,
        /priority must be >= 0/,
      ],
      [
        'priority text',
        { from: 'X', to: ada.address, priority: 'high' },
        400,
        /priority must be integer/,
      ],
      [
        'a phone number on a server without LiveKit SIP',
        { from: '/group/support', to: '+1 415 555 0199' },
        409,
        /calling phone numbers needs LiveKit SIP/,
      ],
      [
        'malformed address',
        { from: 'X', to: 'ada' },
        400,
        /\/private\/<username> or \/group\/<name>/,
      ],
      ['unknown user', { from: 'X', to: '/private/nobody' }, 404, /nobody at \/private\/nobody/],
      ['unknown group', { from: 'X', to: '/group/none' }, 404, /no ring group/],
    ];
    for (const [name, body, status, message] of table) {
      const response = await post('/api/calls', body);
      assert.equal(response.status, status, `${name}: ${JSON.stringify(response.body)}`);
      assert.match(response.body.message, message, name);
    }
    const notJson = await requestJson(server.url, 'POST', '/api/calls', {
      token: server.apiKey,
      rawBody: '{',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(notJson.status, 400);
  });

  test('only API keys, supervisors and admins may use it', async () => {
    const agent = await server.createAgent('agent-only@c.test');
    const supervisor = await server.createUser('supervisor@c.test', { role: 'supervisor' });
    assert.equal((await get('/api/calls', '')).status, 401);
    assert.equal((await get('/api/calls', 'sbk_not-a-key')).status, 401);
    assert.equal((await get('/api/calls', agent.token)).status, 403);
    assert.equal((await get('/api/calls', supervisor.token)).status, 200);
  });

  test('GET shows the live call, then its record; hangup cancels, and a second hangup is 409', async () => {
    const ada = await onlineAgent(server, 'lifecycle@c.test');
    const call = await placeCall(server, ada.address);
    await ada.tab.waitForCall(call.id, 'ringing');
    await ada.tab.request({ type: 'call.accept', callId: call.id });
    const live = await getCall(server, call.id);
    assert.deepEqual([live.status, live.answeredBy?.id], ['connected', ada.user.id]);
    const hungUp = await post(`/api/calls/${call.id}/hangup`, undefined);
    assert.deepEqual(
      [hungUp.status, hungUp.body.status, hungUp.body.endReason],
      [200, 'ended', 'hangup'],
    );
    await ada.tab.waitForCall(call.id, 'disconnected', 'hangup');
    await ada.tab.waitForGone(call.id);
    const recorded = await waitForCallState(
      server,
      call.id,
      (detail) => detail.talkMs !== null,
      'recorded',
    );
    assert.deepEqual(
      [recorded.status, recorded.endReason, recorded.answeredBy?.id],
      ['ended', 'hangup', ada.user.id],
    );
    assert.equal((await post(`/api/calls/${call.id}/hangup`, undefined)).status, 409);
    const list = await get('/api/calls?limit=500');
    assert.ok(list.body.calls.some((entry: { id: string }) => entry.id === call.id));
    assert.equal((await get('/api/calls?limit=0')).status, 400);
    assert.equal((await get('/api/calls/no-such-call')).status, 404);
    await ada.tab.close();
  });
});

describe('tenant isolation', () => {
  test("another tenant's call ids, users and groups behave as unknown, over HTTP and the session", async () => {
    // The same username in both tenants: each tenant's /private/twin is its own user.
    const ours = await onlineAgent(server, 'twin@c.test', 'Our Twin');
    const theirs = await onlineAgent(server, 'twin@c.test', 'Their Twin', {
      tenant: server.otherTenant,
    });
    await server.tenant.createRingGroup('isolated', [ours.user.id]);
    const call = await placeCall(server, ours.address);
    await ours.tab.waitForCall(call.id, 'ringing');
    const groupCall = await placeCall(server, '/group/isolated');
    await ours.tab.waitForCall(groupCall.id, 'ringing');

    const otherKey = server.otherTenant.apiKey;
    const unknownGet = await get('/api/calls/no-such-call', otherKey);
    const foreignGet = await get(`/api/calls/${call.id}`, otherKey);
    assert.deepEqual(
      [foreignGet.status, foreignGet.body.message],
      [404, unknownGet.body.message.replace('no-such-call', call.id)],
    );
    assert.equal((await post(`/api/calls/${call.id}/hangup`, undefined, otherKey)).status, 404);
    assert.ok(
      !(await get('/api/calls?limit=500', otherKey)).body.calls.some(
        (entry: { id: string }) => entry.id === call.id,
      ),
    );
    assert.equal(
      (await post('/api/calls', { from: 'X', to: '/group/isolated' }, otherKey)).status,
      404,
    );

    for (const type of ['call.accept', 'call.reject', 'call.hangup'] as const) {
      const unknown = await theirs.tab.request({ type, callId: 'no-such-call' });
      const foreign = await theirs.tab.request({ type, callId: call.id });
      assert.equal((foreign as { code: string }).code, 'not-found', type);
      assert.equal(
        (foreign as { message: string }).message,
        (unknown as { message: string }).message.replace('no-such-call', call.id),
        type,
      );
    }
    const dialGroup = await theirs.tab.request({ type: 'call.dial', to: '/group/isolated' });
    assert.equal((dialGroup as { code: string }).code, 'not-found');

    // Their /private/twin rings their twin only, and our calls never reached them.
    const theirCall = await placeCall(server, theirs.address, { apiKey: otherKey });
    await theirs.tab.waitForCall(theirCall.id, 'ringing');
    assert.deepEqual(
      theirs.tab.calls.map((view) => view.id),
      [theirCall.id],
    );
    assert.equal(ours.tab.call(theirCall.id), undefined);
    assert.equal(
      (await getCall(server, call.id)).status,
      'ringing',
      'nothing they sent changed our call',
    );
    await closeAll([ours.tab, theirs.tab]);
  });
});

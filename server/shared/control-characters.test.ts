/**
 * U+0000 and other control characters in any string a client sends — bodies, ids in paths,
 * query strings, WebSocket frames — are refused with a clear 400 (or an `error` frame) before
 * any handler runs, and nothing changes. Once they gave 500s, stack traces in the log, and a
 * call answered 201 whose record was never written (PostgreSQL text cannot hold U+0000).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { requestJson, startTestServer, type TestServer, type TestUser } from '../test/harness.ts';
import { expectRefused, type BadRequest } from '../test/bad-requests.ts';
import { AgentClient } from '../session/testing/agent-client.ts';
import { findMalformedText } from './text.ts';

const NUL = '\u0000';

const refused = (
  label: string,
  method: string,
  path: string,
  body?: unknown,
  message: RegExp = /control character|not well-formed/,
): BadRequest => ({ label, method, path, body, status: 400, message });

describe('control characters in client input', () => {
  let server: TestServer;
  let supervisor: TestUser;

  const snapshot = async () => ({
    calls: (await requestJson(server.url, 'GET', '/api/calls', { token: server.apiKey })).body,
    users: (await requestJson(server.url, 'GET', '/api/users', { token: server.apiKey })).body,
    groups: (await requestJson(server.url, 'GET', '/api/ring-groups', { token: server.apiKey }))
      .body,
  });

  before(async () => {
    server = await startTestServer();
    supervisor = await server.createUser('sup@cc.test', { role: 'supervisor', password: 'pw' });
    const ada = await server.createAgent('ada@cc.test', 'Ada');
    await server.tenant.createRingGroup('support', [ada.user.id]);
  });
  after(() => server.close());

  test('HTTP bodies, path ids and query strings: 400 and nothing changes', async () => {
    const cases: BadRequest[] = [
      refused('login email', 'POST', '/api/auth/login', {
        tenant: 'tenant-a',
        email: `sup@cc.test${NUL}`,
        password: 'pw',
      }),
      refused('login tenant', 'POST', '/api/auth/login', {
        tenant: `tenant-a${NUL}`,
        email: 'sup@cc.test',
        password: 'pw',
      }),
      refused('subscriber reference', 'POST', '/api/subscribers/tokens', {
        reference: `x${NUL}@x.test`,
      }),
      refused('call from', 'POST', '/api/calls', { from: `Caller${NUL}`, to: '/group/support' }),
      refused('call from address', 'POST', '/api/calls', {
        from: { name: 'Caller', address: `sip:${NUL}` },
        to: '/group/support',
      }),
      refused('call to', 'POST', '/api/calls', { from: 'Caller', to: `/group/support${NUL}` }),
      refused('call params value', 'POST', '/api/calls', {
        from: 'Caller',
        to: '/group/support',
        params: { case: `1${NUL}` },
      }),
      refused('call params key', 'POST', '/api/calls', {
        from: 'Caller',
        to: '/group/support',
        params: { [`ca${NUL}se`]: '1' },
      }),
      refused('other control character', 'POST', '/api/calls', {
        from: 'Caller\u001b[31m',
        to: '/group/support',
      }),
      refused('lone surrogate', 'POST', '/api/calls', {
        from: 'Caller\ud800',
        to: '/group/support',
      }),
      refused('ring group name', 'POST', '/api/ring-groups', { name: `sales${NUL}` }),
      refused('call id in path', 'GET', '/api/calls/abc%00def'),
      refused('call id in path (hangup)', 'POST', '/api/calls/abc%00/hangup'),
      refused('ring group id in path', 'GET', '/api/ring-groups/%00'),
      refused('wrap-up call id in path', 'GET', '/api/calls/x%00/wrap-up'),
      refused('query string', 'GET', '/api/calls?limit=5%00'),
      refused('path of an unknown route', 'GET', '/api/nothing%00here'),
    ];
    await expectRefused(server, cases, { token: server.apiKey, snapshot });
  });

  test('WebSocket frames: an error frame, and no call is placed', async () => {
    const tab = await AgentClient.connect(server.sessionUrl(supervisor.token));
    try {
      const before = await snapshot();
      for (const frame of [
        { type: 'call.dial', to: `/group/support${NUL}` },
        { type: 'call.accept', callId: `x${NUL}` },
        { type: 'presence.set', presence: `away${NUL}` },
      ]) {
        const reply = await tab.request(frame);
        assert.equal(reply.type, 'error', JSON.stringify(reply));
        assert.equal((reply as { code: string }).code, 'bad-message');
        assert.match((reply as { message: string }).message, /control character/);
      }
      assert.deepEqual(await snapshot(), before);
    } finally {
      await tab.close();
    }
  });
});

describe('findMalformedText', () => {
  test('names where a control character or lone surrogate sits, property names included', () => {
    assert.equal(findMalformedText({ a: ['ok', `x${NUL}`] })?.instancePath, '/a/1');
    assert.match(findMalformedText({ a: { [`k${NUL}`]: 'v' } })?.message ?? '', /property name/);
    assert.equal(findMalformedText({ a: { [`k${NUL}`]: 'v' } })?.instancePath, '/a');
    assert.match(findMalformedText({ a: 'x\udc00' })?.message ?? '', /not well-formed/);
    assert.equal(findMalformedText('\u007f')?.instancePath, '');
  });

  test('lets ordinary text through, tabs and line breaks included', () => {
    assert.equal(
      findMalformedText({ note: 'line one\r\n\tline two 😀', n: 1, b: null }),
      undefined,
    );
  });
});

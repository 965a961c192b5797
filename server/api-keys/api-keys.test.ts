import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { requestJson, startTestServer, type TestServer, type TestUser } from '../test/harness.ts';
import { expectRefused, malformedBodies, OVERSIZED } from '../test/bad-requests.ts';

describe('API keys', () => {
  let server: TestServer;
  let admin: TestUser;
  const call = (method: string, path: string, token: string, body?: unknown) =>
    requestJson(server.url, method, `/api/api-keys${path}`, { token, body });
  const listGroups = (token: string) =>
    requestJson(server.url, 'GET', '/api/ring-groups', { token });

  before(async () => {
    server = await startTestServer();
    admin = await server.createUser('admin@k.test', { role: 'admin' });
  });
  after(() => server.close());

  test('a created key is shown once, works at once, and its use is noted', async () => {
    const created = await call('POST', '', admin.token, { label: '  CRM integration ' });
    assert.equal(created.status, 201);
    const { key, ...view } = created.body;
    assert.match(key, /^sbk_/);
    assert.equal(view.label, 'CRM integration');
    assert.equal(view.prefix, key.slice(0, 8));
    assert.deepEqual([view.lastUsedAt, view.revokedAt], [null, null]);

    assert.equal((await listGroups(key)).status, 200);
    const [listed] = (await call('GET', '', admin.token)).body.apiKeys;
    assert.equal(listed.id, view.id);
    assert.equal(listed.key, undefined, 'never listed again');
    assert.ok(Date.parse(listed.lastUsedAt) >= Date.parse(view.createdAt));
    assert.equal((await call('GET', '', key)).status, 200, 'a key may manage keys too');
  });

  test('a revoked key is refused at once, even right after it was used; it stays listed as revoked', async () => {
    const { key, id } = (await call('POST', '', admin.token, { label: 'to revoke' })).body;
    assert.equal((await listGroups(key)).status, 200); // now remembered by the server
    const revoked = await call('DELETE', `/${id}`, admin.token);
    assert.equal(revoked.status, 200);
    assert.ok(revoked.body.revokedAt);
    const refused = await listGroups(key);
    assert.equal(refused.status, 401);
    assert.equal(refused.body.message, 'unknown API key');
    const listed = (await call('GET', '', admin.token)).body.apiKeys.find(
      (candidate: { id: string }) => candidate.id === id,
    );
    assert.equal(listed.revokedAt, revoked.body.revokedAt);
    assert.equal((await listGroups(server.apiKey)).status, 200, "the tenant's own key still works");
  });

  test("another tenant's keys are not found; agents and supervisors are forbidden", async () => {
    const other = await server.otherTenant.createUser('admin@other.test', { role: 'admin' });
    const { id, key } = (await call('POST', '', admin.token, { label: 'mine' })).body;
    const foreign = await call('DELETE', `/${id}`, other.token);
    assert.equal(foreign.status, 404);
    assert.deepEqual((await call('GET', '', other.token)).body.apiKeys, []);
    assert.equal((await listGroups(key)).status, 200, 'still valid');
    for (const role of ['agent', 'supervisor'] as const) {
      const user = await server.createUser(`${role}@k.test`, { role });
      assert.equal((await call('GET', '', user.token)).status, 403);
      assert.equal((await call('POST', '', user.token, { label: 'x' })).status, 403);
      assert.equal((await call('DELETE', `/${id}`, user.token)).status, 403);
    }
  });

  test('bad input gets a clear 4xx and creates nothing', async () => {
    const snapshot = async () => (await call('GET', '', admin.token)).body;
    const create = (label: string, body: unknown, message: RegExp, status = 400) => ({
      label,
      method: 'POST',
      path: '/api/api-keys',
      body,
      status,
      message,
    });
    await expectRefused(
      server,
      [
        ...malformedBodies('POST', '/api/api-keys', { label: 'x' }),
        create('no label', {}, /missing required property "label"/),
        create('empty label', { label: '' }, /label must/),
        create('blank label', { label: '   ' }, /label must match pattern/),
        create('label too long', { label: 'x'.repeat(81) }, /label must/),
        create('label oversized', { label: OVERSIZED }, /too large/, 413),
        create('extra field', { label: 'x', key: 'sbk_mine' }, /unknown property "key"/),
        {
          label: 'unknown id',
          method: 'DELETE',
          path: '/api/api-keys/nope',
          status: 404,
          message: /API key not found/,
        },
      ],
      { token: admin.token, snapshot },
    );
  });
});

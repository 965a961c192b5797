/**
 * `/api/dispositions`: the default list every tenant starts with, who may read and change it,
 * deactivation instead of deletion, and tenant isolation.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { requestJson, startTestServer, type TestServer, type TestUser } from '../test/harness.ts';
import { expectRefused, malformedBodies, type BadRequest } from '../test/bad-requests.ts';
import { DEFAULT_DISPOSITIONS } from './default-dispositions.ts';

describe('dispositions API', () => {
  let server: TestServer;
  let agent: TestUser;
  let admin: TestUser;
  let supervisor: TestUser;
  const call = (method: string, path: string, token: string, body?: unknown) =>
    requestJson(server.url, method, `/api/dispositions${path}`, { token, body });

  before(async () => {
    server = await startTestServer();
    agent = await server.createAgent('agent@d.test', 'Dee Agent');
    admin = await server.createUser('admin@d.test', { role: 'admin' });
    supervisor = await server.createUser('sup@d.test', { role: 'supervisor' });
  });
  after(() => server.close());

  test('a new tenant starts with the default list, in order, all active', async () => {
    const listed = await call('GET', '', agent.token);
    assert.equal(listed.status, 200);
    assert.deepEqual(
      listed.body.dispositions.map(({ code, label, active, position }: any) => ({
        code,
        label,
        active,
        position,
      })),
      DEFAULT_DISPOSITIONS.map((entry, index) => ({ ...entry, active: true, position: index + 1 })),
    );
    for (const entry of listed.body.dispositions) assert.equal(typeof entry.id, 'string');
  });

  test('every signed-in role and the API key read it', async () => {
    for (const token of [agent.token, supervisor.token, admin.token, server.apiKey]) {
      const listed = await call('GET', '', token);
      assert.equal(listed.status, 200);
      assert.ok(listed.body.dispositions.length >= DEFAULT_DISPOSITIONS.length);
    }
    assert.equal((await requestJson(server.url, 'GET', '/api/dispositions')).status, 401);
  });

  test('an admin adds one; without a position it goes last', async () => {
    const created = await call('POST', '', admin.token, { code: 'sale', label: 'Sale made' });
    assert.equal(created.status, 201);
    assert.deepEqual(
      { ...created.body, id: typeof created.body.id },
      {
        id: 'string',
        code: 'sale',
        label: 'Sale made',
        active: true,
        position: DEFAULT_DISPOSITIONS.length + 1,
      },
    );
    const listed = await call('GET', '', agent.token);
    assert.equal(listed.body.dispositions.at(-1).code, 'sale');
  });

  test('the API key adds one at a chosen position; picker order follows position', async () => {
    const created = await call('POST', '', server.apiKey, {
      code: 'vip_complaint',
      label: 'VIP complaint',
      position: 0,
    });
    assert.equal(created.status, 201);
    const listed = await call('GET', '', agent.token);
    assert.equal(listed.body.dispositions[0].code, 'vip_complaint');
  });

  test('a code the tenant already has is a 409 and changes nothing', async () => {
    const before = await call('GET', '', agent.token);
    const duplicate = await call('POST', '', admin.token, { code: 'resolved', label: 'Again' });
    assert.equal(duplicate.status, 409);
    assert.match(duplicate.body.message, /"resolved" already exists/);
    assert.deepEqual((await call('GET', '', agent.token)).body, before.body);
  });

  test('agents and supervisors cannot add or change dispositions', async () => {
    const [first] = (await call('GET', '', agent.token)).body.dispositions;
    for (const token of [agent.token, supervisor.token]) {
      const created = await call('POST', '', token, { code: 'nope', label: 'Nope' });
      assert.equal(created.status, 403);
      const changed = await call('PATCH', `/${first.id}`, token, { active: false });
      assert.equal(changed.status, 403);
    }
    const listed = await call('GET', '', agent.token);
    assert.ok(!listed.body.dispositions.some((entry: any) => entry.code === 'nope'));
    assert.equal(listed.body.dispositions[0].active, true);
  });

  test('PATCH relabels, reorders and deactivates; the code stays; reactivating works', async () => {
    const created = await call('POST', '', admin.token, { code: 'survey', label: 'Survey' });
    const path = `/${created.body.id}`;
    const relabelled = await call('PATCH', path, admin.token, {
      label: 'Survey done',
      position: 50,
    });
    assert.equal(relabelled.status, 200);
    assert.deepEqual(
      {
        code: relabelled.body.code,
        label: relabelled.body.label,
        position: relabelled.body.position,
      },
      { code: 'survey', label: 'Survey done', position: 50 },
    );
    const deactivated = await call('PATCH', path, server.apiKey, { active: false });
    assert.equal(deactivated.body.active, false);
    const listed = await call('GET', '', agent.token);
    const kept = listed.body.dispositions.find((entry: any) => entry.code === 'survey');
    assert.deepEqual(
      { label: kept.label, active: kept.active },
      { label: 'Survey done', active: false },
      'a deactivated disposition stays listed (flagged) for old wrap-ups',
    );
    const reactivated = await call('PATCH', path, admin.token, { active: true });
    assert.equal(reactivated.body.active, true);
  });

  test('there is no delete', async () => {
    const [first] = (await call('GET', '', agent.token)).body.dispositions;
    const deleted = await call('DELETE', `/${first.id}`, admin.token);
    assert.equal(deleted.status, 404);
    assert.ok(
      (await call('GET', '', agent.token)).body.dispositions.some((d: any) => d.id === first.id),
    );
  });

  test("another tenant's disposition is unknown, and its list is its own", async () => {
    const other = await server.otherTenant.createUser('admin@other.test', { role: 'admin' });
    const theirs = await call('POST', '', other.token, { code: 'theirs', label: 'Theirs' });
    assert.equal(theirs.status, 201);
    const mine = (await call('GET', '', agent.token)).body.dispositions;
    assert.ok(!mine.some((entry: any) => entry.code === 'theirs'));
    const changed = await call('PATCH', `/${theirs.body.id}`, admin.token, { label: 'Mine now' });
    assert.equal(changed.status, 404);
    const unknown = await call('PATCH', '/no-such-id', admin.token, { label: 'x' });
    assert.equal(unknown.status, 404);
    const stillTheirs = (await call('GET', '', other.token)).body.dispositions;
    assert.equal(stillTheirs.find((entry: any) => entry.code === 'theirs').label, 'Theirs');
  });

  test('bad bodies are refused clearly and change nothing', async () => {
    const [first] = (await call('GET', '', agent.token)).body.dispositions;
    const patchPath = `/api/dispositions/${first.id}`;
    const create = (label: string, body: unknown, message: RegExp): BadRequest => ({
      label,
      method: 'POST',
      path: '/api/dispositions',
      body,
      status: 400,
      message,
    });
    const patch = (label: string, body: unknown, message: RegExp): BadRequest => ({
      label,
      method: 'PATCH',
      path: patchPath,
      body,
      status: 400,
      message,
    });
    await expectRefused(
      server,
      [
        ...malformedBodies('POST', '/api/dispositions', { code: 'ok', label: 'OK' }),
        ...malformedBodies('PATCH', patchPath, { label: 'OK' }),
        create('missing code', { label: 'X' }, /missing required property "code"/),
        create('missing label', { code: 'x' }, /missing required property "label"/),
        create('code upper case', { code: 'Sale', label: 'X' }, /code must match pattern/),
        create('code with space', { code: 'a b', label: 'X' }, /code must match pattern/),
        create('code too long', { code: 'a'.repeat(41), label: 'X' }, /code must match pattern/),
        create('label blank', { code: 'x', label: '   ' }, /label must match pattern/),
        create('label too long', { code: 'x', label: 'y'.repeat(81) }, /label must not have more/),
        create(
          'position negative',
          { code: 'x', label: 'X', position: -1 },
          /position must be >= 0/,
        ),
        create(
          'active a string',
          { code: 'x', label: 'X', active: 'no' },
          /active must be boolean/,
        ),
        patch('empty change', {}, /must set at least 1 property/),
        patch('code cannot change', { code: 'other' }, /unknown property "code"/),
        patch('position fractional', { position: 1.5 }, /position must be integer/),
      ],
      { token: admin.token, snapshot: async () => (await call('GET', '', agent.token)).body },
    );
  });
});

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { requestJson, startTestServer, type TestServer, type TestUser } from '../test/harness.ts';

describe('ring group routes', () => {
  let server: TestServer;
  let ada: TestUser;
  let grace: TestUser;
  let admin: TestUser;
  const call = (method: string, path: string, body?: unknown, token = server.apiKey) =>
    requestJson(server.url, method, `/api/ring-groups${path}`, { token, body });

  before(async () => {
    server = await startTestServer({
      ringTimeoutSeconds: 7,
      maxQueueWaitSeconds: 70,
      retryIntervalSeconds: 3,
    });
    ada = await server.createAgent('ada@t.test', 'Ada Lovelace');
    grace = await server.createAgent('grace@t.test', 'Grace Hopper');
    admin = await server.createUser('admin@t.test', { role: 'admin' });
  });
  after(() => server.close());

  test('create applies the configured defaults and returns the dialable address', async () => {
    const created = await call('POST', '', {
      name: 'support',
      members: [ada.user.id, grace.user.id],
    });
    assert.equal(created.status, 201);
    assert.equal(typeof created.body.id, 'string');
    assert.deepEqual(
      { ...created.body, id: undefined, members: [...created.body.members].sort() },
      {
        id: undefined,
        name: 'support',
        address: '/group/support',
        members: [ada.user.id, grace.user.id].sort(),
        ringTimeoutSeconds: 7,
        maxWaitSeconds: 70,
        retryIntervalSeconds: 3,
        serviceLevelSeconds: 20,
        strategy: 'ring-all',
        overflow: null,
        businessHours: null,
        wrapUpSeconds: server.config.wrapUpSeconds,
        queueGreeting: null,
        queueMusic: null,
      },
    );
    const read = await call('GET', `/${created.body.id}`);
    assert.equal(read.status, 200);
    assert.deepEqual(read.body, created.body);
  });

  test('explicit settings win over defaults; an empty group is allowed', async () => {
    const created = await call('POST', '', {
      name: 'night.shift_2',
      ringTimeoutSeconds: 30,
      maxWaitSeconds: 900,
      retryIntervalSeconds: 0,
    });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body.members, []);
    assert.equal(created.body.ringTimeoutSeconds, 30);
    assert.equal(created.body.maxWaitSeconds, 900);
    assert.equal(created.body.retryIntervalSeconds, 0);
  });

  test('the service-level threshold is set on create, changed on update and kept otherwise', async () => {
    const created = await call('POST', '', { name: 'sla', serviceLevelSeconds: 45 });
    assert.equal(created.status, 201);
    assert.equal(created.body.serviceLevelSeconds, 45);
    const path = `/${created.body.id}`;
    const changed = await call('PATCH', path, { serviceLevelSeconds: 600 });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.serviceLevelSeconds, 600);
    const renamed = await call('PATCH', path, { name: 'sla-renamed' });
    assert.equal(renamed.body.serviceLevelSeconds, 600);
    assert.equal((await call('GET', path)).body.serviceLevelSeconds, 600);
    assert.equal((await call('DELETE', path)).status, 204);
  });

  test('strategy, overflow, business hours and wrap-up are set on create, changed on update, kept otherwise', async () => {
    const overflowTarget = (await call('POST', '', { name: 'overflow-target' })).body;
    const businessHours = {
      hours: [
        { day: 1, open: '08:00', close: '17:30' },
        { day: 5, open: '22:00', close: '06:00' },
      ],
      holidays: ['2026-12-25', '2027-01-01'],
      closed: { action: 'group', ringGroupId: overflowTarget.id },
    };
    const created = await call('POST', '', {
      name: 'configured',
      members: [grace.user.id, ada.user.id],
      strategy: 'longest-idle',
      overflow: { ringGroupId: overflowTarget.id, delaySeconds: 90 },
      businessHours,
      wrapUpSeconds: 45,
    });
    assert.equal(created.status, 201);
    const { strategy, overflow, wrapUpSeconds, members } = created.body;
    assert.deepEqual(
      { strategy, overflow, businessHours: created.body.businessHours, wrapUpSeconds, members },
      {
        strategy: 'longest-idle',
        overflow: { ringGroupId: overflowTarget.id, delaySeconds: 90 },
        businessHours,
        wrapUpSeconds: 45,
        members: [grace.user.id, ada.user.id],
      },
      'members keep the order given',
    );
    const path = `/${created.body.id}`;
    assert.deepEqual((await call('GET', path)).body, created.body);

    const changed = await call('PATCH', path, {
      strategy: 'sequential',
      overflow: null,
      businessHours: { hours: [], holidays: [], closed: { action: 'end' } },
      members: [ada.user.id, grace.user.id],
    });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.strategy, 'sequential');
    assert.equal(changed.body.overflow, null);
    assert.deepEqual(changed.body.businessHours, {
      hours: [],
      holidays: [],
      closed: { action: 'end' },
    });
    assert.deepEqual(changed.body.members, [ada.user.id, grace.user.id]);
    assert.equal(changed.body.wrapUpSeconds, 45, 'what is not sent is kept');
    const reopened = await call('PATCH', path, { businessHours: null, ringTimeoutSeconds: 9 });
    assert.equal(reopened.body.businessHours, null);
    assert.equal(reopened.body.strategy, 'sequential');

    await call('DELETE', `/${overflowTarget.id}`);
    await call('DELETE', path);
  });

  test("the overflow and closed groups must be other groups of this tenant; another tenant's is refused", async () => {
    const foreign = await server.otherTenant.createRingGroup('foreign', []);
    const own = (await call('POST', '', { name: 'own-group' })).body;
    const refused = [
      [
        { overflow: { ringGroupId: foreign.id, delaySeconds: 5 } },
        /not a ring group of this tenant/,
      ],
      [{ overflow: { ringGroupId: own.id, delaySeconds: 5 } }, /this group itself/],
      [
        {
          businessHours: {
            hours: [],
            holidays: [],
            closed: { action: 'group', ringGroupId: foreign.id },
          },
        },
        /closed\/ringGroupId .* not a ring group of this tenant/,
      ],
    ] as const;
    for (const [body, message] of refused) {
      const response = await call('PATCH', `/${own.id}`, body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.match(response.body.message, message);
    }
    assert.deepEqual((await call('GET', `/${own.id}`)).body, own);
    await call('DELETE', `/${own.id}`);
  });

  test('list returns the tenant groups by name', async () => {
    const listed = await call('GET', '');
    assert.equal(listed.status, 200);
    assert.deepEqual(
      listed.body.ringGroups.map((group: { name: string }) => group.name),
      ['night.shift_2', 'support'],
    );
  });

  test('a duplicate name is a 409 and creates nothing', async () => {
    const before = (await call('GET', '')).body.ringGroups.length;
    const duplicate = await call('POST', '', { name: 'support' });
    assert.equal(duplicate.status, 409);
    assert.equal(duplicate.body.error, 'conflict');
    assert.match(duplicate.body.message, /support/);
    assert.equal((await call('GET', '')).body.ringGroups.length, before);
  });

  test('unknown members are refused by name and nothing is created', async () => {
    const response = await call('POST', '', {
      name: 'ghosts',
      members: [ada.user.id, 'no-such-user'],
    });
    assert.equal(response.status, 400);
    assert.match(response.body.message, /no-such-user/);
    assert.ok(
      !(await call('GET', '')).body.ringGroups.some(
        (group: { name: string }) => group.name === 'ghosts',
      ),
    );
  });

  test('patch changes only what is sent; members replace the list', async () => {
    const created = (await call('POST', '', { name: 'billing', members: [ada.user.id] })).body;
    const renamed = await call('PATCH', `/${created.id}`, {
      name: 'accounts',
      ringTimeoutSeconds: 15,
    });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.name, 'accounts');
    assert.equal(renamed.body.address, '/group/accounts');
    assert.equal(renamed.body.ringTimeoutSeconds, 15);
    assert.equal(renamed.body.maxWaitSeconds, 70);
    assert.deepEqual(renamed.body.members, [ada.user.id]);
    const swapped = await call('PATCH', `/${created.id}`, { members: [grace.user.id] });
    assert.deepEqual(swapped.body.members, [grace.user.id]);
    assert.equal(swapped.body.name, 'accounts');
    const emptied = await call('PATCH', `/${created.id}`, { members: [] });
    assert.deepEqual(emptied.body.members, []);
  });

  test('a failed patch changes nothing', async () => {
    const created = (await call('POST', '', { name: 'sales', members: [ada.user.id] })).body;
    const clash = await call('PATCH', `/${created.id}`, {
      name: 'support',
      members: [grace.user.id],
    });
    assert.equal(clash.status, 409);
    const unknownMember = await call('PATCH', `/${created.id}`, {
      ringTimeoutSeconds: 99,
      members: ['nobody'],
    });
    assert.equal(unknownMember.status, 400);
    assert.deepEqual((await call('GET', `/${created.id}`)).body, created);
  });

  test('delete removes the group; unknown ids are 404 everywhere', async () => {
    const created = (await call('POST', '', { name: 'temporary' })).body;
    const deleted = await call('DELETE', `/${created.id}`);
    assert.equal(deleted.status, 204);
    for (const [method, body] of [['GET'], ['PATCH', { name: 'again' }], ['DELETE']] as const) {
      const response = await call(method, `/${created.id}`, body);
      assert.equal(response.status, 404, method);
      assert.deepEqual(response.body, {
        error: 'not-found',
        message: 'ring group not found',
        statusCode: 404,
      });
    }
  });

  test('a deleted user drops out of the groups they were in', async () => {
    const temp = await server.createAgent('temp@t.test');
    const group = (
      await call('POST', '', { name: 'with-temp', members: [temp.user.id, ada.user.id] })
    ).body;
    await server.database.query(`DELETE FROM users WHERE id = $1`, [temp.user.id]);
    assert.deepEqual((await call('GET', `/${group.id}`)).body.members, [ada.user.id]);
  });

  test('an admin token manages groups; agents and supervisors are forbidden; no credentials is 401', async () => {
    const created = await call('POST', '', { name: 'by-admin' }, admin.token);
    assert.equal(created.status, 201);
    assert.equal((await call('GET', `/${created.body.id}`, undefined, admin.token)).status, 200);
    const supervisor = await server.createUser('sup@t.test', { role: 'supervisor' });
    for (const token of [ada.token, supervisor.token]) {
      const denied = await call('POST', '', { name: 'not-allowed' }, token);
      assert.equal(denied.status, 403);
      assert.equal((await call('GET', '', undefined, token)).status, 403);
    }
    assert.equal((await requestJson(server.url, 'GET', '/api/ring-groups')).status, 401);
    assert.ok(
      !(await call('GET', '')).body.ringGroups.some(
        (group: { name: string }) => group.name === 'not-allowed',
      ),
    );
  });
});

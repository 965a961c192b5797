/**
 * `/api/phone-numbers`: E.164 storage and formatting, the three destinations, who may manage
 * numbers, one tenant per number, tenant isolation, bad input refused with nothing changed, and
 * the global lookup an incoming call uses.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { requestJson, startTestServer, type TestServer, type TestUser } from '../test/harness.ts';
import { expectRefused, malformedBodies, type BadRequest } from '../test/bad-requests.ts';
import { PhoneNumberRepository } from './phone-number-repository.ts';

describe('phone numbers API', () => {
  let server: TestServer;
  let admin: TestUser;
  let agent: TestUser;
  let supervisor: TestUser;
  let ada: TestUser;
  let supportId: string;
  let otherGroupId: string;
  let otherUserId: string;
  const call = (method: string, path: string, token: string | undefined, body?: unknown) =>
    requestJson(server.url, method, `/api/phone-numbers${path}`, { token, body });
  const listAll = async () => ({
    mine: (await call('GET', '', server.apiKey)).body,
    theirs: (await call('GET', '', server.otherTenant.apiKey)).body,
  });

  before(async () => {
    server = await startTestServer();
    admin = await server.createUser('admin@p.test', { role: 'admin' });
    agent = await server.createAgent('agent@p.test', 'Pat Agent');
    supervisor = await server.createUser('sup@p.test', { role: 'supervisor' });
    ada = await server.createAgent('ada@p.test', 'Ada Lovelace');
    supportId = (await server.tenant.createRingGroup('support', [agent.user.id])).id;
    otherGroupId = (await server.otherTenant.createRingGroup('support', [])).id;
    otherUserId = (await server.otherTenant.createAgent('eve@other.test', 'Eve')).user.id;
  });
  after(() => server.close());

  test('an admin adds a number to a ring group: stored E.164, shown for people', async () => {
    const created = await call('POST', '', admin.token, {
      number: '+1 (415) 555-0100',
      label: 'Support line',
      destination: { type: 'group', ringGroupId: supportId },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(typeof created.body.id, 'string');
    assert.equal(typeof created.body.createdAt, 'number');
    assert.deepEqual(
      { ...created.body, id: undefined, createdAt: undefined },
      {
        id: undefined,
        createdAt: undefined,
        number: '+14155550100',
        display: '+1 415 555 0100',
        label: 'Support line',
        destination: {
          type: 'group',
          ringGroupId: supportId,
          name: 'support',
          address: '/group/support',
        },
        // The tenant's only number is its caller ID until another is marked.
        callerId: true,
      },
    );
    const read = await call('GET', `/${created.body.id}`, server.apiKey);
    assert.deepEqual(read.body, created.body);
  });

  test('the API key adds numbers to a user and to a script; the list is in number order', async () => {
    const toUser = await call('POST', '', server.apiKey, {
      number: '+44 20 7946 0000',
      destination: { type: 'user', userId: ada.user.id },
    });
    assert.equal(toUser.status, 201, JSON.stringify(toUser.body));
    assert.deepEqual(toUser.body.destination, {
      type: 'user',
      userId: ada.user.id,
      name: 'Ada Lovelace',
      address: ada.address,
    });
    assert.equal(toUser.body.label, '');
    const toScript = await call('POST', '', server.apiKey, {
      number: '+12025550123',
      label: 'Closed',
      destination: { type: 'script', script: [{ pause: 2 }, { hangup: true }] },
    });
    assert.equal(toScript.status, 201, JSON.stringify(toScript.body));
    assert.deepEqual(toScript.body.destination, {
      type: 'script',
      script: [{ pause: 2 }, { hangup: true }],
    });
    const listed = await call('GET', '', admin.token);
    assert.equal(listed.status, 200);
    assert.deepEqual(
      listed.body.phoneNumbers.map((entry: any) => entry.number),
      ['+12025550123', '+14155550100', '+442079460000'],
    );
  });

  test("one number is the tenant's caller ID: the first by default, or the one marked", async () => {
    const numbers = new PhoneNumberRepository(server.database);
    const callerIds = async () =>
      (await call('GET', '', server.apiKey)).body.phoneNumbers
        .filter((entry: any) => entry.callerId)
        .map((entry: any) => entry.number);
    assert.deepEqual(await callerIds(), ['+12025550123']);
    assert.equal(await numbers.callerIdOf(server.tenant.id), '+12025550123');
    const [, second] = (await call('GET', '', server.apiKey)).body.phoneNumbers;
    const marked = await call('PATCH', `/${second.id}`, admin.token, { callerId: true });
    assert.equal(marked.body.callerId, true);
    assert.deepEqual(await callerIds(), [second.number]);
    assert.equal(await numbers.callerIdOf(server.tenant.id), second.number);
    const added = await call('POST', '', server.apiKey, {
      number: '+14155550177',
      callerId: true,
      destination: { type: 'group', ringGroupId: supportId },
    });
    assert.deepEqual(await callerIds(), ['+14155550177']);
    await call('DELETE', `/${added.body.id}`, server.apiKey);
    // Back to the first number when the marked one is gone.
    assert.deepEqual(await callerIds(), ['+12025550123']);
    assert.equal(await numbers.callerIdOf(server.otherTenant.id), null);
  });

  test('agents and supervisors may not read or change numbers; no credentials is a 401', async () => {
    for (const token of [agent.token, supervisor.token]) {
      assert.equal((await call('GET', '', token)).status, 403);
      const created = await call('POST', '', token, {
        number: '+14155550101',
        destination: { type: 'group', ringGroupId: supportId },
      });
      assert.equal(created.status, 403);
    }
    assert.equal((await call('GET', '', undefined)).status, 401);
    const listed = await call('GET', '', server.apiKey);
    assert.ok(!listed.body.phoneNumbers.some((entry: any) => entry.number === '+14155550101'));
  });

  test('a number belongs to one tenant: another tenant adding it gets a 409 that names no one', async () => {
    const taken = await call('POST', '', server.otherTenant.apiKey, {
      number: '+14155550100',
      destination: { type: 'group', ringGroupId: otherGroupId },
    });
    assert.equal(taken.status, 409);
    assert.equal(taken.body.message, 'phone number +14155550100 is already in use');
    // The same number written differently is the same number.
    const again = await call('POST', '', server.apiKey, {
      number: '+1 415-555-0100',
      destination: { type: 'user', userId: ada.user.id },
    });
    assert.equal(again.status, 409);
  });

  test("another tenant's numbers, groups and users behave as unknown", async () => {
    const theirs = await call('POST', '', server.otherTenant.apiKey, {
      number: '+14155550199',
      destination: { type: 'user', userId: otherUserId },
    });
    assert.equal(theirs.status, 201);
    const path = `/${theirs.body.id}`;
    assert.equal((await call('GET', path, server.apiKey)).status, 404);
    assert.equal((await call('PATCH', path, server.apiKey, { label: 'mine now' })).status, 404);
    assert.equal((await call('DELETE', path, admin.token)).status, 404);
    const mine = (await call('GET', '', server.apiKey)).body.phoneNumbers;
    assert.ok(!mine.some((entry: any) => entry.number === '+14155550199'));
    const stillTheirs = await call('GET', path, server.otherTenant.apiKey);
    assert.equal(stillTheirs.body.label, '');
    assert.deepEqual(stillTheirs.body.destination.userId, otherUserId);
  });

  test('PATCH changes the label and the destination; the number never changes', async () => {
    const created = await call('POST', '', server.apiKey, {
      number: '+33 1 23 45 67 89',
      destination: { type: 'group', ringGroupId: supportId },
    });
    const path = `/${created.body.id}`;
    const relabelled = await call('PATCH', path, admin.token, { label: 'Paris' });
    assert.equal(relabelled.status, 200);
    assert.equal(relabelled.body.label, 'Paris');
    assert.equal(relabelled.body.destination.type, 'group');
    const moved = await call('PATCH', path, server.apiKey, {
      destination: { type: 'user', userId: ada.user.id },
    });
    assert.equal(moved.status, 200);
    assert.deepEqual(moved.body.destination, {
      type: 'user',
      userId: ada.user.id,
      name: 'Ada Lovelace',
      address: ada.address,
    });
    assert.equal(moved.body.label, 'Paris');
    const renumbered = await call('PATCH', path, server.apiKey, { number: '+33123456780' });
    assert.equal(renumbered.status, 400);
    assert.match(renumbered.body.message, /unknown property "number"/);
    assert.equal((await call('GET', path, server.apiKey)).body.number, '+33123456789');
  });

  test('DELETE removes a number (204), then it is unknown and free to add again', async () => {
    const created = await call('POST', '', server.apiKey, {
      number: '+4930123456',
      destination: { type: 'group', ringGroupId: supportId },
    });
    const path = `/${created.body.id}`;
    const deleted = await call('DELETE', path, admin.token);
    assert.equal(deleted.status, 204);
    assert.equal((await call('GET', path, server.apiKey)).status, 404);
    assert.equal((await call('DELETE', path, server.apiKey)).status, 404);
    const readded = await call('POST', '', server.otherTenant.apiKey, {
      number: '+4930123456',
      destination: { type: 'group', ringGroupId: otherGroupId },
    });
    assert.equal(readded.status, 201);
  });

  test('a number whose ring group is deleted routes nowhere until it is changed', async () => {
    const group = await server.tenant.createRingGroup('night-shift', [agent.user.id]);
    const created = await call('POST', '', server.apiKey, {
      number: '+14155550150',
      destination: { type: 'group', ringGroupId: group.id },
    });
    const removed = await requestJson(server.url, 'DELETE', `/api/ring-groups/${group.id}`, {
      token: server.apiKey,
    });
    assert.equal(removed.status, 204);
    const read = await call('GET', `/${created.body.id}`, server.apiKey);
    assert.equal(read.body.destination, null);
    const numbers = new PhoneNumberRepository(server.database);
    assert.deepEqual(await numbers.route('+14155550150'), {
      tenantId: server.tenant.id,
      numberId: created.body.id,
      number: '+14155550150',
      kind: 'nowhere',
    });
  });

  test('an incoming call finds its tenant and destination from the number dialled', async () => {
    const numbers = new PhoneNumberRepository(server.database);
    const route = await numbers.route('+14155550100');
    assert.deepEqual(
      { ...route, numberId: undefined },
      {
        tenantId: server.tenant.id,
        numberId: undefined,
        number: '+14155550100',
        kind: 'address',
        address: '/group/support',
      },
    );
    assert.deepEqual(await numbers.route('+12025550123'), {
      tenantId: server.tenant.id,
      numberId: (await numbers.route('+12025550123'))!.numberId,
      number: '+12025550123',
      kind: 'script',
      script: [{ pause: 2 }, { hangup: true }],
    });
    assert.equal((await numbers.route('+14155550111'))?.tenantId, undefined); // nobody's
    assert.equal(await numbers.route('+14155550111'), null);
    assert.equal(await numbers.route('4155550100'), null); // not international
    assert.equal(await numbers.route('sip:support'), null);
    assert.equal(await numbers.route(''), null);
    assert.deepEqual(
      (await numbers.allNumbers()).filter((number) => number.startsWith('+1415555015')),
      ['+14155550150'],
    );
  });

  test('bad input is refused clearly and changes nothing', async () => {
    const path = '/api/phone-numbers';
    const valid = {
      number: '+14155550160',
      destination: { type: 'group', ringGroupId: supportId },
    };
    const existing = (await call('GET', '', server.apiKey)).body.phoneNumbers[0];
    const cases: BadRequest[] = [
      ...malformedBodies('POST', path, valid),
      ...malformedBodies('PATCH', `${path}/${existing.id}`, { label: 'x' }),
      ...['+1555010', '+15551234567', '+999123', '+1 415 555 01'].map((number): BadRequest => ({
        label: `number ${number}`,
        method: 'POST',
        path,
        body: { ...valid, number },
        status: 400,
        message: /is not a valid international phone number/,
      })),
      ...['4155550160', 'support', '+1 415 555 0100 ext', '+1/415/555/0160', '++14155550160'].map(
        (number): BadRequest => ({
          label: `number ${number}`,
          method: 'POST',
          path,
          body: { ...valid, number },
          status: 400,
          message: /number must match pattern/,
        }),
      ),
      {
        label: 'number too long',
        method: 'POST',
        path,
        body: { ...valid, number: `+1${'5'.repeat(40)}` },
        status: 400,
        message: /number/,
      },
      {
        label: 'no destination',
        method: 'POST',
        path,
        body: { number: valid.number },
        status: 400,
        message: /missing required property "destination"/,
      },
      {
        label: 'unknown destination type',
        method: 'POST',
        path,
        body: { ...valid, destination: { type: 'queue', ringGroupId: supportId } },
        status: 400,
        message: /type/,
      },
      {
        label: 'group without its id',
        method: 'POST',
        path,
        body: { ...valid, destination: { type: 'group' } },
        status: 400,
        message: /destination of type "group" needs "ringGroupId"/,
      },
      {
        label: 'group with a user id',
        method: 'POST',
        path,
        body: {
          ...valid,
          destination: { type: 'group', ringGroupId: supportId, userId: ada.user.id },
        },
        status: 400,
        message: /destination of type "group" takes no "userId"/,
      },
      {
        label: 'unknown ring group',
        method: 'POST',
        path,
        body: { ...valid, destination: { type: 'group', ringGroupId: 'nope' } },
        status: 400,
        message: /ring group "nope" is not a ring group of this tenant/,
      },
      {
        label: "another tenant's ring group",
        method: 'POST',
        path,
        body: { ...valid, destination: { type: 'group', ringGroupId: otherGroupId } },
        status: 400,
        message: /is not a ring group of this tenant/,
      },
      {
        label: "another tenant's user",
        method: 'POST',
        path,
        body: { ...valid, destination: { type: 'user', userId: otherUserId } },
        status: 400,
        message: /is not a user of this tenant/,
      },
      {
        label: 'script with a bad step',
        method: 'POST',
        path,
        body: { ...valid, destination: { type: 'script', script: [{ dance: 1 }] } },
        status: 400,
        message: /unknown property "dance"/,
      },
      {
        label: 'script with a file outside the media directory',
        method: 'POST',
        path,
        body: { ...valid, destination: { type: 'script', script: [{ play: '../secret.wav' }] } },
        status: 400,
        message: /play/,
      },
      {
        label: 'label too long',
        method: 'POST',
        path,
        body: { ...valid, label: 'x'.repeat(81) },
        status: 400,
        message: /label/,
      },
      {
        label: 'empty PATCH',
        method: 'PATCH',
        path: `${path}/${existing.id}`,
        body: {},
        status: 400,
        message: /must set at least 1 property/,
      },
      {
        label: "PATCH to another tenant's group",
        method: 'PATCH',
        path: `${path}/${existing.id}`,
        body: { destination: { type: 'group', ringGroupId: otherGroupId } },
        status: 400,
        message: /is not a ring group of this tenant/,
      },
    ];
    await expectRefused(server, cases, { token: server.apiKey, snapshot: listAll });
  });
});

import { after, before, describe, test } from 'node:test';
import { requestJson, startTestServer, type TestServer } from '../test/harness.ts';
import {
  OVERSIZED,
  expectRefused,
  malformedBodies,
  type BadRequest,
} from '../test/bad-requests.ts';

const create = (label: string, body: unknown, message: RegExp, status = 400): BadRequest => ({
  label,
  method: 'POST',
  path: '/api/ring-groups',
  body,
  status,
  message,
});

const createCases: BadRequest[] = [
  ...malformedBodies('POST', '/api/ring-groups', { name: 'sales' }),
  create('missing name', { members: [] }, /missing required property "name"/),
  create('name is a number', { name: 5 }, /name must be string/),
  create('name upper case', { name: 'Sales' }, /name must match pattern/),
  create('name with space', { name: 'sales team' }, /name must match pattern/),
  create('name with slash', { name: '../sales' }, /name must match pattern/),
  create('name empty', { name: '' }, /name must match pattern/),
  create('name too long', { name: 'a'.repeat(64) }, /name must match pattern/),
  create(
    'timeout as string',
    { name: 'sales', ringTimeoutSeconds: '20' },
    /ringTimeoutSeconds must be integer/,
  ),
  create(
    'timeout fractional',
    { name: 'sales', ringTimeoutSeconds: 1.5 },
    /ringTimeoutSeconds must be integer/,
  ),
  create(
    'timeout zero',
    { name: 'sales', ringTimeoutSeconds: 0 },
    /ringTimeoutSeconds must be >= 1/,
  ),
  create(
    'max wait too big',
    { name: 'sales', maxWaitSeconds: 1e7 },
    /maxWaitSeconds must be <= 86400/,
  ),
  create(
    'retry negative',
    { name: 'sales', retryIntervalSeconds: -1 },
    /retryIntervalSeconds must be >= 0/,
  ),
  create(
    'service level zero',
    { name: 'sales', serviceLevelSeconds: 0 },
    /serviceLevelSeconds must be >= 1/,
  ),
  create(
    'service level too long',
    { name: 'sales', serviceLevelSeconds: 601 },
    /serviceLevelSeconds must be <= 600/,
  ),
  create(
    'service level as text',
    { name: 'sales', serviceLevelSeconds: '20' },
    /serviceLevelSeconds must be integer/,
  ),
  create('members not array', { name: 'sales', members: 'ada' }, /members must be array/),
  create('member not string', { name: 'sales', members: [1] }, /members\/0 must be string/),
  create('duplicate members', { name: 'sales', members: ['a', 'a'] }, /duplicate/),
  create('unknown member', { name: 'sales', members: ['nobody'] }, /member "nobody" is not a user/),
  create('taken name', { name: 'support' }, /"support" already exists/, 409),
];

describe('ring groups refuse bad input', () => {
  let server: TestServer;
  let path: string;
  const snapshot = async () =>
    (await requestJson(server.url, 'GET', '/api/ring-groups', { token: server.apiKey })).body;

  before(async () => {
    server = await startTestServer();
    const ada = await server.createAgent('ada@t.test', 'Ada Lovelace');
    path = `/api/ring-groups/${(await server.tenant.createRingGroup('support', [ada.user.id])).id}`;
  });
  after(() => server.close());

  test('create: each bad request gets a clear 4xx and changes nothing', async () => {
    await expectRefused(server, createCases, { token: server.apiKey, snapshot });
  });

  test('update: each bad request gets a clear 4xx and changes nothing', async () => {
    const update = (label: string, body: unknown, message: RegExp, status = 400): BadRequest => ({
      label,
      method: 'PATCH',
      path,
      body,
      status,
      message,
    });
    await expectRefused(
      server,
      [
        ...malformedBodies('PATCH', path, { name: 'renamed' }),
        update('nothing to change', {}, /must set at least 1 property/),
        update('id in body', { id: 'other' }, /unknown property "id"/),
        update('members null', { members: null }, /members must be array/),
        update('name oversized', { name: OVERSIZED }, /too large/, 413),
        update('bad name', { name: 'Support Team' }, /name must match pattern/),
        update('service level fractional', { serviceLevelSeconds: 2.5 }, /must be integer/),
        update('service level null', { serviceLevelSeconds: null }, /serviceLevelSeconds/),
        update('service level too long', { serviceLevelSeconds: 3600 }, /must be <= 600/),
        update('unknown member', { members: ['nobody'], ringTimeoutSeconds: 5 }, /member "nobody"/),
        {
          label: 'id too long',
          method: 'GET',
          path: `/api/ring-groups/${'a'.repeat(65)}`,
          status: 400,
          message: /params\/id/,
        },
      ],
      { token: server.apiKey, snapshot },
    );
  });
});

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

const openHours = { hours: [], holidays: [], closed: { action: 'end' } };

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
  create('unknown strategy', { name: 'sales', strategy: 'random' }, /strategy/),
  create('strategy as number', { name: 'sales', strategy: 1 }, /strategy/),
  create(
    'overflow without delay',
    { name: 'sales', overflow: { ringGroupId: 'x' } },
    /delaySeconds/,
  ),
  create(
    'overflow delay negative',
    { name: 'sales', overflow: { ringGroupId: 'x', delaySeconds: -1 } },
    /delaySeconds must be >= 0/,
  ),
  create(
    'overflow to an unknown group',
    { name: 'sales', overflow: { ringGroupId: 'nope', delaySeconds: 30 } },
    /overflow\/ringGroupId "nope" is not a ring group/,
  ),
  create(
    'hours with a bad time',
    {
      name: 'sales',
      businessHours: { ...openHours, hours: [{ day: 1, open: '8:00', close: '17:00' }] },
    },
    /open must match pattern/,
  ),
  create(
    'hours at 24:00',
    {
      name: 'sales',
      businessHours: { ...openHours, hours: [{ day: 1, open: '08:00', close: '24:00' }] },
    },
    /close must match pattern/,
  ),
  create(
    'day 7',
    {
      name: 'sales',
      businessHours: { ...openHours, hours: [{ day: 7, open: '08:00', close: '17:00' }] },
    },
    /day must be <= 6/,
  ),
  create(
    'opens and closes at once',
    {
      name: 'sales',
      businessHours: { ...openHours, hours: [{ day: 1, open: '08:00', close: '08:00' }] },
    },
    /opens and closes at 08:00/,
  ),
  create(
    'holiday not a date',
    { name: 'sales', businessHours: { ...openHours, holidays: ['2026-02-30'] } },
    /"2026-02-30" is not a date/,
  ),
  create(
    'holiday badly written',
    { name: 'sales', businessHours: { ...openHours, holidays: ['25/12/2026'] } },
    /holidays\/0 must match pattern/,
  ),
  create(
    'business hours without closed treatment',
    { name: 'sales', businessHours: { hours: [], holidays: [] } },
    /closed/,
  ),
  create(
    'closed group without its id',
    { name: 'sales', businessHours: { ...openHours, closed: { action: 'group' } } },
    /needs "ringGroupId"/,
  ),
  create(
    'closed script without a script',
    { name: 'sales', businessHours: { ...openHours, closed: { action: 'script' } } },
    /needs "script"/,
  ),
  create(
    'closed end with a group id',
    { name: 'sales', businessHours: { ...openHours, closed: { action: 'end', ringGroupId: 'x' } } },
    /only goes with action "group"/,
  ),
  create(
    'closed unknown action',
    { name: 'sales', businessHours: { ...openHours, closed: { action: 'voicemail' } } },
    /action/,
  ),
  create('wrap-up negative', { name: 'sales', wrapUpSeconds: -5 }, /wrapUpSeconds must be >= 0/),
  create(
    'wrap-up too long',
    { name: 'sales', wrapUpSeconds: 7200 },
    /wrapUpSeconds must be <= 3600/,
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

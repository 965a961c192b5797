/**
 * `/api/reports` against hand-computed figures on a small fixed data set, on PGlite and on
 * PostgreSQL (the same expectations, so the same SQL gives the same answers). The tenant is in
 * America/New_York: DST began on 2026-03-08 at 02:00 local (07:00Z), so that day is 23 hours,
 * 2026-03-07 starts at 05:00Z and 2026-03-09 at 04:00Z. The data set has a call that crosses
 * midnight, calls just after a day boundary that a fixed UTC offset would put on the wrong day,
 * a blind transfer with holds, abandoned-in-queue, missed and declined rings, wrap-ups.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createPostgresTestSchema,
  requestJson,
  startTestServer,
  type PostgresTestSchema,
  type TestServer,
  type TestUser,
} from '../test/harness.ts';
import { insertRecordedCalls, type RecordedCall } from './testing/record-rows.ts';

const at = (iso: string) => Date.parse(iso);
const s = 1000;

interface DataSet {
  ada: TestUser;
  bob: TestUser;
  cy: TestUser;
  supervisor: TestUser;
  admin: TestUser;
  groupId: string;
}

async function insertEvents(
  server: TestServer,
  callId: string,
  events: [type: string, atMs: number, userId: string][],
) {
  for (const [index, [type, atMs, userId]] of events.entries())
    await server.database.query(
      `INSERT INTO call_events (id, call_id, tenant_id, type, at, seq, user_id) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        `${callId}-e${index}`,
        callId,
        server.tenant.id,
        type,
        new Date(atMs).toISOString(),
        index + 1,
        userId,
      ],
    );
}

async function seed(server: TestServer): Promise<DataSet> {
  const ada = await server.createAgent('rep-ada@r.test', 'Ada Lovelace');
  const bob = await server.createAgent('rep-bob@r.test', 'Bob Byrne');
  const supervisor = await server.createUser('rep-sam@r.test', { role: 'supervisor' });
  const admin = await server.createUser('rep-root@r.test', { role: 'admin' });
  const group = await server.tenant.createRingGroup('sales', [ada.user.id, bob.user.id], {
    serviceLevelSeconds: 20,
  });
  const setZone = await requestJson(server.url, 'PUT', '/api/tenant/time-zone', {
    token: admin.token,
    body: { timeZone: 'America/New_York' },
  });
  assert.equal(setZone.status, 200, JSON.stringify(setZone.body));
  const tenantId = server.tenant.id;
  const toGroup = { tenantId, toAddress: '/group/sales', ringGroupId: group.id };
  const A = ada.user.id;
  const B = bob.user.id;

  // 1: Mar 7 23:59:50 EST, answered by Ada at 00:00:05 (the next day), 30 s hold, 20 s wrap-up.
  const t1 = at('2026-03-08T04:59:50Z');
  // 2: Mar 8 00:00:10 EST: Ada lets it ring out, Bob declines, the caller gives up after 40 s.
  const t2 = at('2026-03-08T05:00:10Z');
  // 8: Mar 8 03:30 EDT (an hour after the clocks jumped): abandoned after 10 s, nobody rung.
  const t8 = at('2026-03-08T07:30:00Z');
  // 3: Mar 9 00:30 EDT (a fixed EST offset would say Mar 8, 23:30): Ada answers after 30 s,
  //    holds 10 s, blind-transfers to Bob at +100 s (the caller held until Bob answers at +110 s).
  const t3 = at('2026-03-09T04:30:00Z');
  // 4: Mar 9 01:00 EDT: Bob lets it ring out, the call gives up unanswered after 60 s.
  const t4 = at('2026-03-09T05:00:00Z');
  // 7: Mar 9, a direct call to Ada (no group), 5 s to answer, 60 s talk, wrap-up not finished.
  const t7 = at('2026-03-09T14:00:00Z');
  // 5: Mar 6, before the range.
  const t5 = at('2026-03-06T12:00:00Z');

  const calls: RecordedCall[] = [
    {
      ...toGroup,
      id: 'rep-1',
      createdAt: t1,
      answeredAt: t1 + 15 * s,
      endedAt: t1 + 135 * s,
      answeredByUserId: A,
      endReason: 'hangup',
      holdMs: 30 * s,
      legs: [{ userId: A, outcome: 'answered', rungAt: t1 + 1 * s, endedAt: t1 + 135 * s }],
      wrapUps: [
        { userId: A, dispositionCode: 'resolved', startedAt: t1 + 135 * s, endedAt: t1 + 155 * s },
      ],
    },
    {
      ...toGroup,
      id: 'rep-2',
      createdAt: t2,
      endedAt: t2 + 40 * s,
      endReason: 'caller_cancelled',
      legs: [
        { userId: A, outcome: 'missed', rungAt: t2 + 1 * s, endedAt: t2 + 21 * s },
        { userId: B, outcome: 'rejected', rungAt: t2 + 1 * s, endedAt: t2 + 5 * s },
      ],
    },
    { ...toGroup, id: 'rep-8', createdAt: t8, endedAt: t8 + 10 * s, endReason: 'caller_cancelled' },
    {
      ...toGroup,
      id: 'rep-3',
      createdAt: t3,
      answeredAt: t3 + 30 * s,
      endedAt: t3 + 170 * s,
      answeredByUserId: B,
      endReason: 'hangup',
      holdMs: 20 * s,
      legs: [
        { userId: A, outcome: 'transferred', rungAt: t3 + 1 * s, endedAt: t3 + 100 * s },
        { userId: B, outcome: 'answered', rungAt: t3 + 100 * s, endedAt: t3 + 170 * s },
      ],
      wrapUps: [
        { userId: A, dispositionCode: 'escalated', startedAt: t3 + 100 * s, endedAt: t3 + 115 * s },
        { userId: B, dispositionCode: 'resolved', startedAt: t3 + 170 * s, endedAt: t3 + 195 * s },
      ],
    },
    {
      ...toGroup,
      id: 'rep-4',
      createdAt: t4,
      endedAt: t4 + 60 * s,
      endReason: 'no_answer',
      legs: [{ userId: B, outcome: 'missed', rungAt: t4 + 1 * s, endedAt: t4 + 21 * s }],
    },
    {
      tenantId,
      id: 'rep-7',
      toAddress: ada.address,
      createdAt: t7,
      answeredAt: t7 + 5 * s,
      endedAt: t7 + 65 * s,
      answeredByUserId: A,
      endReason: 'hangup',
      legs: [{ userId: A, outcome: 'answered', rungAt: t7 + 1 * s, endedAt: t7 + 65 * s }],
      wrapUps: [{ userId: A, dispositionCode: 'follow-up', startedAt: t7 + 65 * s, endedAt: null }],
    },
    { ...toGroup, id: 'rep-5', createdAt: t5, endedAt: t5 + 5 * s, endReason: 'caller_cancelled' },
  ];
  await insertRecordedCalls(server.database, calls);
  await insertEvents(server, 'rep-1', [
    ['answered', t1 + 15 * s, A],
    ['held', t1 + 30 * s, A],
    ['resumed', t1 + 60 * s, A],
  ]);
  await insertEvents(server, 'rep-3', [
    ['answered', t3 + 30 * s, A],
    ['held', t3 + 60 * s, A],
    ['resumed', t3 + 70 * s, A],
    ['held', t3 + 100 * s, A],
    ['transferred', t3 + 100 * s, A],
    ['answered', t3 + 110 * s, B],
    ['resumed', t3 + 110 * s, B],
  ]);

  // Presence, for occupancy: Ada available from before the range, busy with call 1 from 5 s
  // before midnight, wrap-up, available, then offline at 01:00. Cy is staffed an hour on Mar 9
  // without a call. Bob has no presence rows.
  const cy = await server.createAgent('rep-cy@r.test', 'Cy Young');
  const presence: [string, string, string][] = [
    [A, 'available', '2026-03-07T04:00:00Z'],
    [A, 'busy', '2026-03-08T04:59:55Z'],
    [A, 'wrap-up', '2026-03-08T05:02:15Z'],
    [A, 'available', '2026-03-08T05:02:35Z'],
    [A, 'offline', '2026-03-08T06:00:00Z'],
    [cy.user.id, 'available', '2026-03-09T12:00:00Z'],
    [cy.user.id, 'offline', '2026-03-09T13:00:00Z'],
  ];
  for (const [index, [userId, state, when]] of presence.entries())
    await server.database.query(
      `INSERT INTO agent_presence (id, tenant_id, user_id, presence, at, seq) VALUES ($1, $2, $3, $4, $5, $6)`,
      [`rep-p${index}`, tenantId, userId, state, when, index + 1],
    );

  // Another tenant's call in the same hours never shows.
  const other = server.otherTenant;
  const otherGroup = await other.createRingGroup('sales', []);
  await insertRecordedCalls(server.database, [
    {
      tenantId: other.id,
      toAddress: '/group/sales',
      ringGroupId: otherGroup.id,
      createdAt: t2,
      endedAt: t2 + 9 * s,
      endReason: 'caller_cancelled',
    },
  ]);
  return { ada, bob, cy, supervisor, admin, groupId: group.id };
}

const empty = {
  abandoned: 0,
  abandonedAfterMs: null,
  missed: 0,
  declined: 0,
  asaMs: null,
  longestWaitMs: null,
  talkMs: 0,
  holdMs: 0,
  wrapUpMs: 0,
  ahtMs: null,
  occupancy: null,
  dispositions: {},
};

function reportSuite(
  engine: string,
  start: () => Promise<{ server: TestServer; done: () => Promise<void> } | null>,
) {
  describe(`reports on ${engine}`, () => {
    let server: TestServer | null = null;
    let done: () => Promise<void> = async () => {};
    let data: DataSet;
    before(async () => {
      const started = await start();
      if (!started) return;
      ({ server, done } = started);
      data = await seed(server);
    });
    after(() => done());

    const report = (query: string, token = data.supervisor.token) =>
      requestJson(server!.url, 'GET', `/api/reports?${query}`, { token });

    test('per group and day, in the tenant time zone across the DST change', async (t) => {
      if (!server) return t.skip('PostgreSQL not reachable');
      const response = await report('from=2026-03-07&to=2026-03-09&interval=day&by=group');
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assert.equal(response.body.timeZone, 'America/New_York');
      const sales = { id: data.groupId, name: 'sales' };
      assert.deepEqual(response.body.rows, [
        {
          ...empty,
          start: at('2026-03-07T05:00:00Z'),
          label: '2026-03-07',
          group: sales,
          agent: null,
          offered: 1,
          answered: 1,
          serviceLevel: 1,
          asaMs: 15_000,
          longestWaitMs: 15_000,
          talkMs: 90_000,
          holdMs: 30_000,
          wrapUpMs: 20_000,
          ahtMs: 140_000,
          dispositions: { resolved: 1 },
        },
        {
          ...empty,
          start: at('2026-03-08T05:00:00Z'),
          label: '2026-03-08',
          group: sales,
          agent: null,
          offered: 2,
          answered: 0,
          abandoned: 2,
          abandonedAfterMs: 25_000,
          missed: 1,
          declined: 1,
          serviceLevel: 0,
          longestWaitMs: 40_000,
        },
        {
          ...empty,
          start: at('2026-03-09T04:00:00Z'),
          label: '2026-03-09',
          group: sales,
          agent: null,
          offered: 2,
          answered: 1,
          missed: 1,
          serviceLevel: 0,
          asaMs: 30_000,
          longestWaitMs: 60_000,
          talkMs: 120_000,
          holdMs: 20_000,
          wrapUpMs: 40_000,
          ahtMs: 180_000,
          dispositions: { escalated: 1, resolved: 1 },
        },
      ]);
    });

    test('per agent and day: handle time is each agent’s own part of a transferred call', async (t) => {
      if (!server) return t.skip('PostgreSQL not reachable');
      const response = await report('from=2026-03-07&to=2026-03-09&by=agent');
      assert.equal(response.status, 200, JSON.stringify(response.body));
      const ada = { id: data.ada.user.id, name: 'Ada Lovelace' };
      const bob = { id: data.bob.user.id, name: 'Bob Byrne' };
      const row = (day: string, start: string, agent: object, figures: object) => ({
        ...empty,
        start: at(start),
        label: day,
        group: null,
        agent,
        serviceLevel: null,
        ...figures,
      });
      assert.deepEqual(response.body.rows, [
        row('2026-03-07', '2026-03-07T05:00:00Z', ada, {
          offered: 1,
          answered: 1,
          asaMs: 15_000,
          longestWaitMs: 15_000,
          talkMs: 90_000,
          holdMs: 30_000,
          wrapUpMs: 20_000,
          ahtMs: 140_000,
          dispositions: { resolved: 1 },
          // Staffed from the range's start; busy the last 5 s of the day.
          occupancy: 5_000 / 86_400_000,
        }),
        row('2026-03-08', '2026-03-08T05:00:00Z', ada, {
          offered: 1,
          answered: 0,
          missed: 1,
          // Busy 135 s + wrap-up 20 s of the hour until she went offline.
          occupancy: 155_000 / 3_600_000,
        }),
        row('2026-03-08', '2026-03-08T05:00:00Z', bob, { offered: 1, answered: 0, declined: 1 }),
        row('2026-03-09', '2026-03-09T04:00:00Z', ada, {
          offered: 2,
          answered: 2,
          asaMs: 17_500,
          longestWaitMs: 30_000,
          talkMs: 120_000,
          holdMs: 10_000,
          wrapUpMs: 15_000,
          ahtMs: 72_500,
          dispositions: { escalated: 1, 'follow-up': 1 },
        }),
        row('2026-03-09', '2026-03-09T04:00:00Z', bob, {
          offered: 2,
          answered: 1,
          missed: 1,
          asaMs: 110_000,
          longestWaitMs: 110_000,
          talkMs: 60_000,
          wrapUpMs: 25_000,
          ahtMs: 85_000,
          dispositions: { resolved: 1 },
        }),
        row(
          '2026-03-09',
          '2026-03-09T04:00:00Z',
          { id: data.cy.user.id, name: 'Cy Young' },
          {
            offered: 0,
            answered: 0,
            occupancy: 0,
          },
        ),
      ]);
      const onlyBob = await report(`from=2026-03-07&to=2026-03-09&by=agent&agentId=${bob.id}`);
      assert.deepEqual(
        onlyBob.body.rows.map((r: any) => [r.label, r.agent.name]),
        [
          ['2026-03-08', 'Bob Byrne'],
          ['2026-03-09', 'Bob Byrne'],
        ],
      );
    });

    test('hours skip the hour the clocks jumped; weeks start on Monday', async (t) => {
      if (!server) return t.skip('PostgreSQL not reachable');
      const hours = await report('from=2026-03-08&to=2026-03-08&interval=hour');
      assert.deepEqual(
        hours.body.rows.map((r: any) => [r.label, r.start, r.offered]),
        [
          ['2026-03-08 00:00', at('2026-03-08T05:00:00Z'), 1],
          ['2026-03-08 03:00', at('2026-03-08T07:00:00Z'), 1],
        ],
      );
      const weeks = await report('from=2026-03-01&to=2026-03-15&interval=week');
      assert.deepEqual(
        weeks.body.rows.map((r: any) => [r.label, r.start, r.offered, r.answered]),
        [
          // Mon Feb 23 – Sun Mar 1 has nothing in range; Mon Mar 2 (EST) holds Mar 6–8;
          // Mon Mar 9 (EDT) holds Mar 9.
          ['2026-03-02', at('2026-03-02T05:00:00Z'), 4, 1],
          ['2026-03-09', at('2026-03-09T04:00:00Z'), 2, 1],
        ],
      );
    });

    test('in UTC the same records fall on other days', async (t) => {
      if (!server) return t.skip('PostgreSQL not reachable');
      const put = await requestJson(server.url, 'PUT', '/api/tenant/time-zone', {
        token: data.admin.token,
        body: { timeZone: 'UTC' },
      });
      assert.equal(put.status, 200);
      try {
        const response = await report('from=2026-03-07&to=2026-03-09');
        assert.deepEqual(
          response.body.rows.map((r: any) => [r.label, r.offered]),
          [
            ['2026-03-08', 3],
            ['2026-03-09', 2],
          ],
        );
      } finally {
        await requestJson(server.url, 'PUT', '/api/tenant/time-zone', {
          token: data.admin.token,
          body: { timeZone: 'America/New_York' },
        });
      }
    });

    test('another tenant sees only its own calls', async (t) => {
      if (!server) return t.skip('PostgreSQL not reachable');
      const stranger = await server.otherTenant.createUser('rep-x@r.test', { role: 'supervisor' });
      const response = await report('from=2026-03-07&to=2026-03-09', stranger.token);
      assert.deepEqual(
        response.body.rows.map((r: any) => [r.label, r.offered, r.abandoned]),
        [['2026-03-08', 1, 1]],
      );
      const theirs = await report(
        `from=2026-03-07&to=2026-03-09&groupId=${data.groupId}`,
        stranger.token,
      );
      assert.deepEqual(theirs.body.rows, []);
    });

    test('bad input is refused with a clear 4xx and changes nothing', async (t) => {
      if (!server) return t.skip('PostgreSQL not reachable');
      const cases: [string, number, RegExp][] = [
        ['to=2026-03-09', 400, /missing required property "from"/],
        ['from=2026-03-09&to=2026-03-07', 400, /to must not be before from/],
        ['from=2026-02-30&to=2026-03-07', 400, /from 2026-02-30 is not a date/],
        ['from=2026-3-1&to=2026-03-07', 400, /from must match pattern/],
        ['from=2026-01-01&to=2026-03-01&interval=hour', 400, /by hour covers at most 31 days/],
        ['from=2024-01-01&to=2026-03-01', 400, /by day covers at most 400 days/],
        ['from=2026-03-07&to=2026-03-09&interval=minute', 400, /interval must be one of/],
        ['from=2026-03-07&to=2026-03-09&by=team', 400, /by must be one of/],
        ['from=2026-03-07&to=2026-03-09&sort=asc', 400, /unknown property "sort"/],
      ];
      for (const [query, status, message] of cases) {
        const response = await report(query);
        assert.equal(response.status, status, `${query}: ${JSON.stringify(response.body)}`);
        assert.match(response.body.message, message, query);
      }
      assert.equal((await report('from=2026-03-07&to=2026-03-09', data.ada.token)).status, 403);

      const zone = () =>
        requestJson(server!.url, 'GET', '/api/tenant/time-zone', { token: data.ada.token });
      assert.deepEqual((await zone()).body, { timeZone: 'America/New_York' });
      const put = (body: unknown, token = data.admin.token) =>
        requestJson(server!.url, 'PUT', '/api/tenant/time-zone', { token, body });
      for (const [body, status, message] of [
        [{ timeZone: 'Mars/Olympus_Mons' }, 400, /not an IANA time zone name/],
        [{ timeZone: 'EST5EDT; DROP TABLE calls' }, 400, /timeZone must match pattern/],
        [{ timeZone: '' }, 400, /timeZone must/],
        [{}, 400, /missing required property "timeZone"/],
        [{ timeZone: 'UTC', extra: 1 }, 400, /unknown property "extra"/],
      ] as [unknown, number, RegExp][]) {
        const response = await put(body);
        assert.equal(response.status, status, JSON.stringify(response.body));
        assert.match(response.body.message, message);
      }
      assert.equal((await put({ timeZone: 'UTC' }, data.supervisor.token)).status, 403);
      assert.deepEqual((await zone()).body, { timeZone: 'America/New_York' }, 'unchanged');
    });
  });
}

reportSuite('PGlite', async () => {
  const server = await startTestServer();
  return { server, done: () => server.close() };
});

reportSuite('PostgreSQL', async () => {
  const schema: PostgresTestSchema | null = await createPostgresTestSchema();
  if (!schema) return null;
  const server = await startTestServer({ databaseUrl: schema.url });
  return {
    server,
    done: async () => {
      await server.close();
      await schema.drop();
    },
  };
});

/**
 * `/api/history` over a real server: a live scenario on real sockets (answer, hold, blind
 * transfer, decline) read back as history and timelines; a fixed set of records written at exact
 * times for search, filters and keyset paging; who sees what; tenant isolation; bad input.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { requestJson, startTestServer, type TestServer, type TestUser } from '../test/harness.ts';
import { onlineAgent, placeCall, type Agent } from '../session/testing/scenario.ts';
import { insertRecordedCalls } from './testing/record-rows.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer({ ringTimeoutSeconds: 20 });
});
after(() => server.close());

const get = (path: string, token: string) => requestJson(server.url, 'GET', path, { token });

describe('history of live calls', () => {
  let ada: Agent;
  let bob: Agent;
  let supervisor: TestUser;
  let transferredId: string;
  let declinedId: string;

  before(async () => {
    [ada, bob] = await Promise.all([
      onlineAgent(server, 'hist-ada@h.test', 'Ada Lovelace'),
      onlineAgent(server, 'hist-bob@h.test', 'Bob Byrne'),
    ]);
    supervisor = await server.createUser('hist-sam@h.test', { role: 'supervisor', name: 'Sam' });

    // Ada answers, holds, resumes, hands the caller to Bob; Bob answers and hangs up.
    const call = await placeCall(server, ada.address, {
      from: { name: 'Grace Hopper', address: '+14155550123' },
    });
    transferredId = call.id;
    await ada.tab.waitForCall(call.id, 'ringing');
    await ada.tab.request({ type: 'call.accept', callId: call.id });
    await ada.tab.waitForCall(call.id, 'connected');
    await ada.tab.request({ type: 'call.hold', callId: call.id });
    await ada.tab.request({ type: 'call.resume', callId: call.id });
    await ada.tab.request({
      type: 'call.transfer',
      callId: call.id,
      to: bob.address,
      mode: 'blind',
    });
    await ada.tab.waitForCall(call.id, 'disconnected', 'transferred');
    await bob.tab.waitForCall(call.id, 'ringing');
    await bob.tab.request({ type: 'call.accept', callId: call.id });
    await bob.tab.waitForCall(call.id, 'connected');
    await bob.tab.request({ type: 'call.hangup', callId: call.id });
    await bob.tab.waitForCall(call.id, 'disconnected', 'hangup');
    const saved = await requestJson(server.url, 'PUT', `/api/calls/${call.id}/wrap-up`, {
      token: ada.token,
      body: { dispositionCode: 'escalated', note: 'Handed to Bob' },
    });
    assert.equal(saved.status, 200);

    // Bob declines a call of his own.
    const declined = await placeCall(server, bob.address, { from: 'Declined Caller' });
    declinedId = declined.id;
    await bob.tab.waitForCall(declined.id, 'ringing');
    await bob.tab.request({ type: 'call.reject', callId: declined.id });
    await bob.tab.waitForCall(declined.id, 'disconnected', 'rejected');
  });
  after(async () => {
    await Promise.all([ada.tab.close(), bob.tab.close()]);
  });

  test('the timeline tells who rang, answered, held, transferred and when it ended', async () => {
    const response = await get(`/api/history/${transferredId}`, supervisor.token);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const { call, events } = response.body;
    assert.equal(call.outcome, 'answered');
    assert.deepEqual(call.from, { name: 'Grace Hopper', address: '+14155550123' });
    assert.deepEqual(call.answeredBy, { id: bob.user.id, name: 'Bob Byrne' });
    assert.equal(call.endReason, 'hangup');
    const steps = events.map((event: any) => [event.type, event.user?.name ?? null]);
    // Bob's ring comes with the transfer, in the same or the next millisecond as the hold.
    const bobRung = steps.findIndex(
      ([type, name]: string[]) => type === 'rung' && name === 'Bob Byrne',
    );
    assert.ok(bobRung > 4 && bobRung < 8, JSON.stringify(steps));
    assert.deepEqual(
      steps.filter((_: unknown, index: number) => index !== bobRung),
      [
        ['placed', null],
        ['rung', 'Ada Lovelace'],
        ['answered', 'Ada Lovelace'],
        ['held', 'Ada Lovelace'],
        ['resumed', 'Ada Lovelace'],
        // A blind transfer holds the caller on behalf of the agent handing it off, until the
        // destination answers (which takes the caller off hold).
        ['held', 'Ada Lovelace'],
        ['transferred', 'Ada Lovelace'],
        ['answered', 'Bob Byrne'],
        ['resumed', 'Bob Byrne'],
        ['ended', null],
      ],
    );
    const times = events.map((event: any) => event.at);
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
      'in time order',
    );
    assert.equal(events.at(-1).endReason, 'hangup');
    assert.deepEqual(
      call.wrapUps.map((w: any) => [w.user.name, w.dispositionCode, w.dispositionLabel, w.note]),
      [['Ada Lovelace', 'escalated', 'Escalated', 'Handed to Bob']],
    );
  });

  test('presence changes are recorded for occupancy', async () => {
    const rows = await server.database.query<{ presence: string }>(
      `SELECT presence FROM agent_presence WHERE tenant_id = $1 AND user_id = $2 ORDER BY seq`,
      [server.tenant.id, ada.user.id],
    );
    const states = rows.map((row) => row.presence);
    assert.equal(states[0], 'available', states.join());
    assert.ok(states.includes('busy'), states.join());
  });

  test('a declined call shows as declined, with who declined it', async () => {
    const response = await get(`/api/history/${declinedId}`, supervisor.token);
    assert.equal(response.body.call.outcome, 'declined');
    assert.deepEqual(
      response.body.events.map((event: any) => [event.type, event.user?.name ?? null]),
      [
        ['placed', null],
        ['rung', 'Bob Byrne'],
        ['declined', 'Bob Byrne'],
        ['ended', null],
      ],
    );
  });

  test('agents see the calls they handled; a call only rung at them is not theirs', async () => {
    const mine = await get('/api/history', ada.token);
    assert.equal(mine.status, 200);
    assert.deepEqual(
      mine.body.calls.map((call: any) => call.id),
      [transferredId],
    );
    const bobs = await get('/api/history', bob.token);
    assert.deepEqual(
      bobs.body.calls.map((call: any) => call.id),
      [transferredId],
      'Bob answered the transferred call; the call he declined he never handled',
    );
    assert.deepEqual(bobs.body.calls[0].wrapUps, [], "Ada's note is Ada's");
    assert.equal((await get(`/api/history/${declinedId}`, bob.token)).status, 404);
    assert.equal((await get(`/api/history/${transferredId}`, bob.token)).status, 200);
    const forbidden = await get(`/api/history?agentId=${ada.user.id}`, bob.token);
    assert.equal(forbidden.status, 403);
  });

  test('supervisors see the whole tenant and filter by agent', async () => {
    const all = await get('/api/history', supervisor.token);
    const ids = all.body.calls.map((call: any) => call.id);
    assert.ok(ids.includes(transferredId) && ids.includes(declinedId));
    const byBob = await get(`/api/history?agentId=${bob.user.id}`, supervisor.token);
    assert.deepEqual(
      byBob.body.calls.map((call: any) => call.id),
      [transferredId],
    );
  });

  // The desk's "Recent calls" (src/app/calls/recent-calls) asks for agentId = the signed-in
  // person: a supervisor's own list must not be the tenant's calls between agents.
  test("a supervisor asking for their own calls gets none of the agents' calls", async () => {
    const own = await get(`/api/history?agentId=${supervisor.user.id}`, supervisor.token);
    assert.equal(own.status, 200, JSON.stringify(own.body));
    assert.deepEqual(own.body.calls, []);
  });
});

describe('history search over fixed records', () => {
  const day = 86_400_000;
  const base = Date.UTC(2026, 10, 2, 9, 0, 0);
  let agent: TestUser;
  let other: TestUser;
  let supervisor: TestUser;
  let groupId: string;
  let ids: string[];

  before(async () => {
    agent = await server.createAgent('search-ada@h.test', 'Search Ada');
    other = await server.createAgent('search-bob@h.test', 'Search Bob');
    supervisor = await server.createUser('search-sam@h.test', { role: 'supervisor' });
    groupId = (await server.tenant.createRingGroup('search-sales', [agent.user.id])).id;
    const answered = (minute: number, by: TestUser, extra: object = {}) => ({
      tenantId: server.tenant.id,
      toAddress: '/group/search-sales',
      ringGroupId: groupId,
      createdAt: base + minute * 60_000,
      answeredAt: base + minute * 60_000 + 5_000,
      endedAt: base + minute * 60_000 + 65_000,
      answeredByUserId: by.user.id,
      endReason: 'hangup',
      legs: [
        {
          userId: by.user.id,
          outcome: 'answered',
          rungAt: base + minute * 60_000 + 1_000,
          endedAt: base + minute * 60_000 + 65_000,
        },
      ],
      ...extra,
    });
    ids = await insertRecordedCalls(server.database, [
      answered(0, agent, {
        fromName: 'Alice 50% Off',
        fromAddress: '+4930123456',
        wrapUps: [
          {
            userId: agent.user.id,
            dispositionCode: 'resolved',
            startedAt: base + 65_000,
            endedAt: base + 95_000,
          },
        ],
      }),
      answered(10, agent, { fromName: 'Bert', fromAddress: '+4930999999' }),
      answered(20, other, { fromName: 'Carla', fromAddress: '+33100000000' }),
      {
        tenantId: server.tenant.id,
        toAddress: '/group/search-sales',
        ringGroupId: groupId,
        fromName: 'Dora Gone',
        createdAt: base + 30 * 60_000,
        endedAt: base + 30 * 60_000 + 40_000,
        endReason: 'caller_cancelled',
      },
      answered(-2 * 24 * 60, agent, { fromName: 'Old Ede' }),
    ]);
  });

  const search = (query: string, token = supervisor.token) =>
    get(`/api/history?from=${base - 7 * day}&to=${base + day}&${query}`, token);
  const names = (response: any) => response.body.calls.map((call: any) => call.from.name);

  test('newest first, within the range', async () => {
    const response = await search(`groupId=${groupId}`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.deepEqual(names(response), ['Dora Gone', 'Carla', 'Bert', 'Alice 50% Off', 'Old Ede']);
    const lastDay = await get(
      `/api/history?from=${base - 60_000}&to=${base + day}&groupId=${groupId}`,
      supervisor.token,
    );
    assert.deepEqual(names(lastDay), ['Dora Gone', 'Carla', 'Bert', 'Alice 50% Off']);
  });

  test('by name or number (LIKE characters are literal), disposition, outcome, agent', async () => {
    assert.deepEqual(names(await search('q=4930')), ['Bert', 'Alice 50% Off']);
    assert.deepEqual(names(await search('q=50%25')), ['Alice 50% Off']);
    assert.deepEqual(names(await search('q=carla')), ['Carla']);
    assert.deepEqual(names(await search('q=_')), []);
    assert.deepEqual(names(await search('disposition=resolved')), ['Alice 50% Off']);
    assert.deepEqual(names(await search(`outcome=abandoned&groupId=${groupId}`)), ['Dora Gone']);
    assert.deepEqual(names(await search(`agentId=${other.user.id}`)), ['Carla']);
    assert.deepEqual(names(await search('', agent.token)), ['Bert', 'Alice 50% Off', 'Old Ede']);
  });

  test('keyset pages cover every call once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response: any = await search(
        `groupId=${groupId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      assert.equal(response.status, 200);
      seen.push(...response.body.calls.map((call: any) => call.id));
      cursor = response.body.nextCursor;
      pages += 1;
    } while (cursor);
    assert.equal(pages, 3);
    assert.deepEqual(seen, [...ids.slice(0, 4)].reverse().concat(ids[4]));
  });

  test('another tenant sees none of it', async () => {
    const stranger = await server.otherTenant.createUser('search-x@h.test', { role: 'admin' });
    const response = await search(`groupId=${groupId}`, stranger.token);
    assert.equal(response.status, 200);
    assert.deepEqual(response.body.calls, []);
    assert.deepEqual((await search('', server.otherTenant.apiKey)).body.calls, []);
    assert.equal((await get(`/api/history/${ids[0]}`, stranger.token)).status, 404);
    assert.equal((await get(`/api/history/${ids[0]}`, server.otherTenant.apiKey)).status, 404);
    assert.equal((await get(`/api/history/${ids[0]}`, server.apiKey)).status, 200);
  });

  test('bad input is refused with a clear 400', async () => {
    const cases: [string, RegExp][] = [
      [`from=${base}&to=${base}`, /from must be before to/],
      [`from=${base}&to=${base - 1}`, /from must be before to/],
      [`from=0&to=${base}`, /at most 400 days/],
      ['from=yesterday', /from must be integer/],
      ['from=-5', /from must be >= 0/],
      ['limit=0', /limit must be >= 1/],
      ['limit=201', /limit must be <= 200/],
      ['outcome=won', /outcome must be one of/],
      ['disposition=Not%20A%20Code', /disposition must match pattern/],
      ['cursor=bm9wZQ', /cursor is not a cursor this API returned/],
      ['sort=name', /unknown property "sort"/],
      [
        `q=${'x'.repeat(101)}`,
        /q must NOT have more than 100 characters|q must not have more than 100/i,
      ],
    ];
    for (const [query, message] of cases) {
      const response = await get(`/api/history?${query}`, supervisor.token);
      assert.equal(response.status, 400, `${query}: ${JSON.stringify(response.body)}`);
      assert.match(response.body.message, message, query);
    }
    assert.equal((await get('/api/history', '')).status, 401);
  });
});

/**
 * The supervisor feed on a controlled clock (ManualScheduler), as routing runs in its tests:
 * changes gather for exactly `coalesceMs` of the feed's clock before one frame goes out, and the
 * frame is stamped with that clock; calls answered exactly 1.5 s after they were placed count
 * against each group's own service-level threshold. Nothing here sleeps.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SupervisorMessage } from '../../protocol/supervisor-protocol.ts';
import { routerFixture, TENANT } from '../routing/testing/router-fixture.ts';
import { SupervisorFeed } from './supervisor-feed.ts';
import type { SupervisorRepository } from './supervisor-repository.ts';

/** The tenant's people as the database would list them: the agents the feed shows. */
const repository = {
  people: async () =>
    ['ada', 'grace', 'alan'].map((username) => ({
      id: `user-${username}`,
      name: username,
      username,
      role: 'agent',
    })),
  groups: async () => [],
  endedCallsSince: async () => [],
  agentTimesOn: async () => new Map(),
} as unknown as SupervisorRepository;

test("changes go out after coalesceMs of the feed's own clock, in one frame", async () => {
  const fixture = routerFixture();
  const { scheduler } = fixture;
  const feed = new SupervisorFeed(repository, {
    coalesceMs: 150,
    flushRecords: async () => {},
    heartbeatSeconds: 3,
    scheduler,
    log: {
      error: (details) => assert.fail(`feed error: ${JSON.stringify(details)}`),
    },
  });
  feed.attach(fixture.router);
  const frames: SupervisorMessage[] = [];
  const unsubscribe = await feed.subscribe(
    { id: TENANT, name: 'Tenant' },
    {
      send: (message) => frames.push(message),
    },
  );
  assert.deepEqual(
    frames.map((frame) => frame.type),
    ['supervisor.snapshot'],
  );

  // Two agents come online: two routing steps, one coalescing window.
  fixture.openTab(fixture.addUser('ada'));
  fixture.openTab(fixture.addUser('grace'));
  await fixture.settle();
  scheduler.advance(149);
  await fixture.settle();
  assert.equal(frames.length, 1, 'nothing before the window ends');

  scheduler.advance(1);
  await fixture.settle();
  assert.deepEqual(
    frames.map((frame) => frame.type),
    ['supervisor.snapshot', 'supervisor.changes'],
  );
  const changes = frames[1];
  assert.equal(changes.type === 'supervisor.changes' && changes.at, scheduler.now());

  // Closing cancels a window in progress: no frame, no timer left behind.
  fixture.openTab(fixture.addUser('alan'));
  await fixture.settle();
  unsubscribe();
  feed.close();
  scheduler.advance(1_000);
  await fixture.settle();
  assert.equal(frames.length, 2);
});

test("each group's service level uses its own threshold, on routing's and the feed's clock", async () => {
  const fixture = routerFixture();
  const { router, scheduler } = fixture;
  const ada = fixture.addUser('ada');
  const bob = fixture.addUser('bob');
  fixture.addGroup('strict', [ada]);
  fixture.addGroup('relaxed', [bob]);
  const group = (name: string, member: string, serviceLevelSeconds: number) => ({
    id: `group-${name}`,
    name,
    memberIds: [member],
    serviceLevelSeconds,
  });
  const feed = new SupervisorFeed(
    {
      ...repository,
      groups: async () => [group('strict', ada.id, 1), group('relaxed', bob.id, 20)],
    } as unknown as SupervisorRepository,
    {
      flushRecords: async () => {},
      heartbeatSeconds: 3,
      scheduler,
      log: { error: (details) => assert.fail(`feed error: ${JSON.stringify(details)}`) },
    },
  );
  feed.attach(router);
  const frames: SupervisorMessage[] = [];
  await feed.subscribe({ id: TENANT, name: 'Tenant' }, { send: (frame) => frames.push(frame) });
  const tabs = { strict: fixture.openTab(ada), relaxed: fixture.openTab(bob) };

  // Both answered exactly 1.5 s after they were placed: outside strict's 1 s, inside relaxed's 20 s.
  for (const name of ['strict', 'relaxed'] as const) {
    const call = await router.placeCall(TENANT, {
      from: { name: 'Caller', address: '+15550100' },
      to: `/group/${name}`,
    });
    await fixture.settle();
    scheduler.advance(1_500);
    router.accept(tabs[name].sessionId, call.id);
    await fixture.settle();
  }
  scheduler.advance(150);
  await fixture.settle();
  const last = frames.findLast(
    (frame) => frame.type !== 'supervisor.heartbeat' && frame.groups.length,
  );
  assert.ok(last && last.type !== 'supervisor.heartbeat');
  const figures = Object.fromEntries(
    last.groups.map((each) => [
      each.name,
      {
        answered: each.today.answered,
        averageWaitMs: each.today.averageWaitMs,
        today: each.today.serviceLevel,
        last15Minutes: each.last15Minutes.serviceLevel,
      },
    ]),
  );
  assert.deepEqual(figures, {
    strict: { answered: 1, averageWaitMs: 1_500, today: 0, last15Minutes: 0 },
    relaxed: { answered: 1, averageWaitMs: 1_500, today: 1, last15Minutes: 1 },
  });
  feed.close();
});

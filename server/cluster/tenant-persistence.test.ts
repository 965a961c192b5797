/**
 * The owner's write-behind of live state to a real Redis, and a new owner rebuilding from it:
 * after every step Redis holds exactly the tenant's live state (calls, legs, queue order and
 * wait times, presence, holds, deadlines); a second router that loads it carries on (deadlines
 * fire, the queue keeps its order, the call is answered there) and records nothing twice.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TENANT, routerFixture } from '../routing/testing/router-fixture.ts';
import { TenantLeases } from './tenant-lease.ts';
import { TenantPersistence } from './tenant-persistence.ts';
import { TenantStateStore } from './tenant-state-store.ts';
import { openTestRedis, type TestRedis } from './testing/test-redis.ts';

let redis: TestRedis | null;
before(async () => (redis = await openTestRedis()));
after(async () => redis?.close());

const caller = { name: 'Customer', address: '+15550100' };
const quietLog = { warn: () => {}, info: () => {} };

describe('live state in Redis', () => {
  test('a new owner rebuilds ringing, connected, held and queued calls and carries on', async (t) => {
    if (!redis) return t.skip('Redis not reachable');
    const store = new TenantStateStore(redis.redis, redis.keys);
    const leases = new TenantLeases(redis.redis, redis.keys, 'node-a', 60_000);
    const first = routerFixture();
    const [ada, bob, cy] = ['ada', 'bob', 'cy'].map((name) => first.addUser(name, name));
    first.addGroup('support', [ada, bob], { ringTimeoutSeconds: 10, maxWaitSeconds: 100 });
    first.addGroup('sales', [cy], { maxWaitSeconds: 100 });
    const fenced: string[] = [];
    const persistence = new TenantPersistence(store, first.router, quietLog, (tenant) =>
      fenced.push(tenant),
    );
    const epoch = (await leases.acquire(TENANT))!;
    persistence.own(TENANT, epoch);

    const adaTab = first.openTab(ada);
    const bobTab = first.openTab(bob);
    const cyTab = first.openTab(cy, { online: false });
    for (const tab of [adaTab, bobTab, cyTab]) persistence.bindSession(tab.sessionId, 'node-x');
    const connected = await first.router.placeCall(TENANT, { from: caller, to: '/group/support' });
    first.router.accept(adaTab.sessionId, connected.id);
    first.router.hold(adaTab.sessionId, connected.id);
    const ringing = await first.router.placeCall(TENANT, { from: caller, to: '/group/support' });
    first.scheduler.advance(1_000);
    const queued1 = await first.router.placeCall(TENANT, { from: caller, to: '/group/sales' });
    first.scheduler.advance(1_000);
    const queued2 = await first.router.placeCall(TENANT, { from: caller, to: '/group/sales' });
    first.scheduler.advance(3_000);
    await persistence.flush();

    const kept = await store.load(TENANT);
    assert.deepEqual(
      normalised(kept.snapshot),
      normalised(first.router.tenantSnapshot(TENANT)),
      'Redis holds exactly the live state',
    );
    assert.equal(kept.sessionNodes.get(bobTab.sessionId), 'node-x');

    // The owner dies (nothing more is written); a second node takes the tenant over.
    first.router.relinquish();
    persistence.close();
    const second = routerFixture({}, { scheduler: first.scheduler });
    for (const name of ['ada', 'bob', 'cy']) second.addUser(name, name);
    second.addGroup('support', [ada, bob], { ringTimeoutSeconds: 10, maxWaitSeconds: 100 });
    second.addGroup('sales', [cy], { maxWaitSeconds: 100 });
    const tabs = [adaTab, bobTab, cyTab].map((tab) => second.adoptTab(tab.sessionId, tab.user));
    const [adaAgain, bobAgain, cyAgain] = tabs as [
      (typeof tabs)[0],
      (typeof tabs)[0],
      (typeof tabs)[0],
    ];
    second.router.adoptTenant(kept.snapshot);

    assert.equal(bobAgain.call(ringing.id)?.status, 'ringing', 'the ringing call rings again');
    assert.deepEqual(
      [adaAgain.call(connected.id)?.status, adaAgain.call(connected.id)?.heldAt !== null],
      ['connected', true],
      'the connected call is still connected, on hold',
    );
    assert.equal(cyAgain.calls.length, 0, 'offline: rings for nothing');

    // The queue keeps its order and its waiting times: cy comes online and gets the oldest.
    second.router.comeOnline(cyTab.sessionId);
    assert.deepEqual(
      cyAgain.calls.map((call) => call.id),
      [queued1.id, queued2.id],
    );
    const waited = second.router.liveCall(TENANT, queued1.id);
    assert.equal(waited?.createdAt, first.router.liveCall(TENANT, queued1.id)?.createdAt);

    // Deadlines carry on: the ringing call's first attempt times out 10 s after it began.
    first.scheduler.advance(5_000);
    assert.equal(bobAgain.call(ringing.id)?.endReason, 'no_answer');
    second.router.accept(cyTab.sessionId, queued1.id);
    second.router.hangup(adaTab.sessionId, connected.id);
    assert.deepEqual(
      second.records.ended.map((record) => record.call.id),
      [connected.id],
      'the new owner records the call it ended, once',
    );
    assert.deepEqual(fenced, []);
  });

  test('a step written after another node took over is refused and the old owner is told', async (t) => {
    if (!redis) return t.skip('Redis not reachable');
    const store = new TenantStateStore(redis.redis, redis.keys);
    const a = new TenantLeases(redis.redis, redis.keys, 'node-a', 60_000);
    const b = new TenantLeases(redis.redis, redis.keys, 'node-b', 60_000);
    const fixture = routerFixture();
    const ada = fixture.addUser('ada', 'ada');
    fixture.addGroup('support', [ada]);
    const fenced: string[] = [];
    const persistence = new TenantPersistence(store, fixture.router, quietLog, (tenant) =>
      fenced.push(tenant),
    );
    const tenant = TENANT;
    await redis.redis.del(redis.keys.lease(tenant));
    persistence.own(tenant, (await a.acquire(tenant))!);
    fixture.openTab(ada);
    await persistence.flush();
    const before = await redis.redis.hgetall(redis.keys.state(tenant));

    await redis.redis.del(redis.keys.lease(tenant)); // node-a paused past its lease
    assert.equal(typeof (await b.acquire(tenant)), 'number');
    await fixture.router.placeCall(tenant, { from: caller, to: '/group/support' });
    await persistence.flush();
    assert.deepEqual(fenced, [tenant]);
    assert.deepEqual(await redis.redis.hgetall(redis.keys.state(tenant)), before);
    persistence.close();
    fixture.router.relinquish();
  });
});

function normalised(snapshot: {
  sessions: { id: string }[];
  agents: { userId: string }[];
  calls: { id: string }[];
}) {
  const byKey = <T>(items: T[], key: (item: T) => string) =>
    [...items].sort((a, b) => key(a).localeCompare(key(b)));
  return {
    sessions: byKey(snapshot.sessions, (s) => s.id),
    agents: byKey(snapshot.agents, (a) => a.userId),
    calls: byKey(snapshot.calls, (c) => c.id),
  };
}

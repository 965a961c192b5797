/**
 * Tenant ownership on a real Redis: one owner at a time, a lease that lapses unless renewed,
 * and an epoch that grows with every new owner so the previous owner's writes are refused.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { TenantLeases } from './tenant-lease.ts';
import { TenantStateStore } from './tenant-state-store.ts';
import { openTestRedis, type TestRedis } from './testing/test-redis.ts';

let redis: TestRedis | null;
before(async () => (redis = await openTestRedis()));
after(async () => redis?.close());

describe('tenant leases', () => {
  test('one owner at a time; a lapsed lease goes to the next node with a higher epoch', async (t) => {
    if (!redis) return t.skip('Redis not reachable');
    const a = new TenantLeases(redis.redis, redis.keys, 'node-a', 150);
    const b = new TenantLeases(redis.connect(), redis.keys, 'node-b', 150);

    const first = await a.acquire('t1');
    assert.equal(typeof first, 'number');
    assert.equal(await b.acquire('t1'), null, 'owned: nobody else takes it');
    assert.deepEqual(await b.owner('t1'), { nodeId: 'node-a', epoch: first });
    assert.equal(await a.renew('t1', first!), true);

    await sleep(250); // not renewed: the lease lapses
    assert.equal(await a.owner('t1'), null);
    const second = await b.acquire('t1');
    assert.ok(second! > first!, `the epoch grows (${first} → ${second})`);
    assert.equal(await a.renew('t1', first!), false, 'the old owner cannot renew it back');
    assert.equal(await a.release('t1', first!), false, 'nor release it from under the new owner');
    assert.deepEqual(await a.owner('t1'), { nodeId: 'node-b', epoch: second });

    assert.equal(await b.release('t1', second!), true);
    assert.equal(await a.owner('t1'), null, 'released: free at once');
  });

  test('a write with a stale epoch changes nothing', async (t) => {
    if (!redis) return t.skip('Redis not reachable');
    const a = new TenantLeases(redis.redis, redis.keys, 'node-a', 5_000);
    const b = new TenantLeases(redis.redis, redis.keys, 'node-b', 5_000);
    const store = new TenantStateStore(redis.redis, redis.keys);
    const old = (await a.acquire('t2'))!;
    const put = (field: string, value: string) => ({
      puts: [[field, value]] as [string, string][],
      deletes: [],
      transitions: [],
    });
    assert.equal(await store.write('t2', old, put('agent:u1', '{"v":1}')), true);

    await redis.redis.del(redis.keys.lease('t2')); // as if it lapsed while node-a was paused
    const current = (await b.acquire('t2'))!;
    assert.equal(await store.write('t2', old, put('agent:u1', '{"v":"stale"}')), false);
    assert.equal(await redis.redis.hget(redis.keys.state('t2'), 'agent:u1'), '{"v":1}');
    assert.equal(await store.write('t2', current, put('agent:u1', '{"v":2}')), true);
    assert.equal(await redis.redis.hget(redis.keys.state('t2'), 'agent:u1'), '{"v":2}');
    assert.deepEqual(await store.tenantsWithState(), ['t2']);
  });
});

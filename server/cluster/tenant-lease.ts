/**
 * Tenant ownership: a Redis lease (`SET … PX`, renewed by its owner) plus a fencing epoch
 * (`INCR` on every new owner). The epoch is carried on everything the owner writes; a write
 * with a stale epoch is refused (tenant-state-store.ts), so a node that lost its lease while
 * paused (GC, a frozen VM, a partition) can never overwrite its successor's state
 * (Kleppmann, "How to do distributed locking"; SCALE.md).
 */
import type { Redis } from 'ioredis';
import type { RedisKeys } from './redis-keys.ts';

export interface Ownership {
  nodeId: string;
  epoch: number;
}

// KEYS: lease, epoch. ARGV: node id, ttl ms. Returns the new epoch, or nil when owned.
const ACQUIRE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return nil end
local epoch = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. epoch, 'PX', ARGV[2])
return epoch`;

// KEYS: lease. ARGV: '<node>:<epoch>', ttl ms. 1 when still ours (renewed), 0 otherwise.
const RENEW = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

// KEYS: lease, epoch. ARGV: node id, epoch, ttl ms. Takes a lapsed lease back under the same
// epoch: 1 when the lease is ours again, 0 when someone else holds it or a newer owner came.
const RECLAIM = `
local lease = redis.call('GET', KEYS[1])
if lease then
  if lease == ARGV[1] .. ':' .. ARGV[2] then return 1 end
  return 0
end
if redis.call('GET', KEYS[2]) ~= ARGV[2] then return 0 end
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. ARGV[2], 'PX', ARGV[3])
return 1`;

// KEYS: lease. ARGV: '<node>:<epoch>'. 1 when it was ours and is now free.
const RELEASE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1`;

export function parseOwnership(value: string | null): Ownership | null {
  if (!value) return null;
  const separator = value.lastIndexOf(':');
  const epoch = Number(value.slice(separator + 1));
  if (separator <= 0 || !Number.isInteger(epoch)) return null;
  return { nodeId: value.slice(0, separator), epoch };
}

export class TenantLeases {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly nodeId: string,
    readonly ttlMs: number,
  ) {}

  /** Takes the tenant when nobody owns it; returns the new epoch, or null when another node does. */
  async acquire(tenantId: string): Promise<number | null> {
    const epoch = await this.redis.eval(
      ACQUIRE,
      2,
      this.keys.lease(tenantId),
      this.keys.epoch(tenantId),
      this.nodeId,
      String(this.ttlMs),
    );
    return epoch === null ? null : Number(epoch);
  }

  /** Extends the lease; false when it is no longer ours (it expired and someone else took it). */
  async renew(tenantId: string, epoch: number): Promise<boolean> {
    const renewed = await this.redis.eval(
      RENEW,
      1,
      this.keys.lease(tenantId),
      `${this.nodeId}:${epoch}`,
      String(this.ttlMs),
    );
    return renewed === 1;
  }

  /**
   * Takes back a lease that lapsed while Redis could not be reached, when nobody took the tenant
   * meanwhile (the epoch is still ours): the owner carries on and saves what it did meanwhile.
   */
  async reclaim(tenantId: string, epoch: number): Promise<boolean> {
    const reclaimed = await this.redis.eval(
      RECLAIM,
      2,
      this.keys.lease(tenantId),
      this.keys.epoch(tenantId),
      this.nodeId,
      String(epoch),
      String(this.ttlMs),
    );
    return reclaimed === 1;
  }

  /** Gives the tenant up (a rolling restart); false when it was not ours any more. */
  async release(tenantId: string, epoch: number): Promise<boolean> {
    const released = await this.redis.eval(
      RELEASE,
      1,
      this.keys.lease(tenantId),
      `${this.nodeId}:${epoch}`,
    );
    return released === 1;
  }

  /** Who owns the tenant now, if anyone. */
  async owner(tenantId: string): Promise<Ownership | null> {
    return parseOwnership(await this.redis.get(this.keys.lease(tenantId)));
  }
}

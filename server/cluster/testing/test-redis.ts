/**
 * A real Redis for cluster tests (REDIS_URL, default redis://127.0.0.1:6379) under a key prefix
 * of its own, so parallel runs and other users of the same Redis never see each other's keys;
 * `close()` deletes every key under the prefix. Null when Redis is unreachable (the test skips
 * visibly, saying so).
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisKeys } from '../redis-keys.ts';

export const testRedisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

export interface TestRedis {
  redis: Redis;
  keys: RedisKeys;
  prefix: string;
  url: string;
  /** Another connection to the same Redis (a second node, a subscriber). */
  connect(): Redis;
  close(): Promise<void>;
}

export async function openTestRedis(url = testRedisUrl): Promise<TestRedis | null> {
  const prefix = `sbtest:${randomBytes(6).toString('hex')}:`;
  const connections: Redis[] = [];
  const connect = () => {
    const redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1 });
    redis.on('error', () => {});
    connections.push(redis);
    return redis;
  };
  const redis = connect();
  try {
    await redis.ping();
  } catch {
    for (const connection of connections) connection.disconnect();
    return null;
  }
  return {
    redis,
    keys: new RedisKeys(prefix),
    prefix,
    url,
    connect,
    async close() {
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        if (found.length) await redis.del(...found);
        cursor = next;
      } while (cursor !== '0');
      for (const connection of connections) connection.disconnect();
    },
  };
}

/**
 * Password hashing with scrypt (memory-hard, built into Node: no native addon to build).
 * Stored as `scrypt$N$r$p$salt$hash` so parameters can be raised later without breaking
 * existing hashes.
 */
import {
  randomBytes,
  scrypt as scryptCallback,
  timingSafeEqual,
  type ScryptOptions,
} from 'node:crypto';

import { availableParallelism } from 'node:os';
import { TooManyRequests } from '../shared/errors.ts';

/**
 * Hashes run on libuv's small thread pool (4 threads), the same pool that verifies every token
 * (WebCrypto) and reads files. Unbounded, a burst of sign-ins fills it and every signed-in
 * user's request waits seconds behind them; so at most HASHING_CONCURRENCY hashes run at once
 * (one core is always left to routing), the rest wait their turn here, and past MAX_WAITING a
 * sign-in is told to come back (429).
 */
const HASHING_CONCURRENCY = Math.max(1, Math.min(2, availableParallelism() - 1));
const MAX_WAITING = 64;
let running = 0;
const waiting: (() => void)[] = [];

async function inHashingQueue<Result>(work: () => Promise<Result>): Promise<Result> {
  if (running >= HASHING_CONCURRENCY) {
    if (waiting.length >= MAX_WAITING)
      throw new TooManyRequests('too many sign-ins at once; try again in a moment', 1);
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else running++;
  try {
    return await work();
  } finally {
    // Hand the slot straight to the next in line, or give it back.
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  inHashingQueue(
    () =>
      new Promise<Buffer>((resolve, reject) =>
        scryptCallback(password, salt, keylen, options, (error, key) =>
          error ? reject(error) : resolve(key),
        ),
      ),
  );

// 2^15 × 8 × 128 B = 32 MiB per hash.
const COST = 1 << 15;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const KEY_LENGTH = 32;
const MAX_MEMORY = 64 * 1024 * 1024;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_LENGTH, {
    N: COST,
    r: BLOCK_SIZE,
    p: PARALLELISM,
    maxmem: MAX_MEMORY,
  });
  return [
    'scrypt',
    COST,
    BLOCK_SIZE,
    PARALLELISM,
    salt.toString('base64'),
    key.toString('base64'),
  ].join('$');
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  if (!stored) return false;
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: MAX_MEMORY,
  });
  return timingSafeEqual(key, expected);
}

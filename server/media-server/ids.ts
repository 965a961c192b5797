import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * LiveKit-style ids: a type prefix and 12 random base62 characters. The prefixes matter to
 * livekit-client: it recognises participant and track sids in stream ids by `PA`/`TR`.
 */
export function newSid(prefix: 'RM_' | 'PA_' | 'TR_' | 'EV_'): string {
  const bytes = randomBytes(12);
  let id = prefix;
  for (const byte of bytes) id += ALPHABET[byte % ALPHABET.length];
  return id;
}

export function nowSeconds(): bigint {
  return BigInt(Math.floor(Date.now() / 1000));
}

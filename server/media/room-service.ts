/**
 * LiveKit's RoomService client, reusing its request tokens. The SDK signs a fresh JWT for every
 * request (a KeyObject import and an HMAC in jose): every call pays for two (CreateRoom and
 * DeleteRoom), about 3 % of call control's main thread in `npm run bench:server` (issue #12 §4).
 * A token is reused for the same grant while it has at least half its life left (the SDK's
 * default TTL is 10 minutes), so RoomService never sees an expired one.
 */
import { RoomServiceClient, type SIPGrant, type VideoGrant } from 'livekit-server-sdk';

/** Half the SDK's default token TTL (10 minutes). */
const REUSE_MS = 5 * 60_000;
/** Grants naming a room are one per room: past this many, expired ones go. */
const MAX_CACHED = 1_000;

interface CachedHeader {
  header: Promise<Record<string, string>>;
  until: number;
}

export class TokenReusingRoomService extends RoomServiceClient {
  private readonly headers = new Map<string, CachedHeader>();

  override authHeader(grant: VideoGrant, sip?: SIPGrant): Promise<Record<string, string>> {
    const key = JSON.stringify([grant, sip ?? null]);
    // The token's own validity is wall-clock time (its exp claim), so this is too.
    const now = Date.now();
    const cached = this.headers.get(key);
    if (cached && cached.until > now) return cached.header;
    if (this.headers.size >= MAX_CACHED)
      for (const [name, entry] of this.headers) if (entry.until <= now) this.headers.delete(name);
    if (this.headers.size >= MAX_CACHED) this.headers.clear();
    const header = super.authHeader(grant, sip);
    this.headers.set(key, { header, until: now + REUSE_MS });
    // A failed signature is not kept.
    header.catch(() => this.headers.delete(key));
    return header;
  }
}

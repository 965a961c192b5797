import { decodeJwt, errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { ParticipantPermission, TrackSource, TrackType } from '@livekit/protocol';

/** The `video` grant of a LiveKit access token (livekit-server-sdk `VideoGrant`). */
export interface VideoGrant {
  roomJoin?: boolean;
  room?: string;
  roomCreate?: boolean;
  roomList?: boolean;
  roomAdmin?: boolean;
  canPublish?: boolean;
  canSubscribe?: boolean;
  canPublishData?: boolean;
  canPublishSources?: string[];
  canUpdateOwnMetadata?: boolean;
  hidden?: boolean;
  recorder?: boolean;
  agent?: boolean;
}

export interface AccessClaims {
  /** The API key that signed the token. */
  issuer: string;
  identity: string;
  name: string;
  metadata: string;
  attributes: Record<string, string>;
  video: VideoGrant;
  /** The verified payload as signed, for token refresh. */
  payload: JWTPayload;
}

export class AuthError extends Error {
  constructor(
    message: string,
    readonly status: 401 | 403 = 401,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

const CLOCK_TOLERANCE_SECONDS = 10;

/**
 * Verifies a LiveKit access token the way the real server does: the secret is found by `iss`,
 * HS256 only, `exp` required, `nbf`/`exp` checked with a small clock tolerance.
 */
export async function verifyAccessToken(
  token: string | undefined,
  keys: ReadonlyMap<string, string>,
): Promise<AccessClaims> {
  if (!token) throw new AuthError('unauthorized: no access token');
  let issuer: unknown;
  try {
    issuer = decodeJwt(token).iss;
  } catch {
    throw new AuthError('unauthorized: invalid access token (malformed JWT)');
  }
  const secret = typeof issuer === 'string' ? keys.get(issuer) : undefined;
  if (!secret) throw new AuthError('unauthorized: invalid access token (unknown API key)');
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: ['HS256'],
      issuer: issuer as string,
      requiredClaims: ['exp'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    });
    const video = (payload.video ?? {}) as VideoGrant;
    return {
      issuer: issuer as string,
      identity: typeof payload.sub === 'string' ? payload.sub : '',
      name: typeof payload.name === 'string' ? payload.name : '',
      metadata: typeof payload.metadata === 'string' ? payload.metadata : '',
      attributes: stringRecord(payload.attributes),
      video: typeof video === 'object' && video !== null ? video : {},
      payload,
    };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) {
      throw new AuthError('unauthorized: access token has expired');
    }
    if (error instanceof joseErrors.JWTClaimValidationFailed) {
      throw new AuthError(`unauthorized: invalid access token (${error.message})`);
    }
    throw new AuthError('unauthorized: invalid access token (signature verification failed)');
  }
}

/**
 * The same claims with a fresh validity window, signed with the same key: what the real server
 * sends as `refresh_token`, so that a full reconnect late in a call still has a valid token.
 */
export function refreshAccessToken(
  claims: AccessClaims,
  apiSecret: string,
  ttlSeconds: number,
  nowMs = Date.now(),
): Promise<string> {
  const now = Math.floor(nowMs / 1000);
  return new SignJWT({ ...claims.payload, nbf: now, exp: now + ttlSeconds })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode(apiSecret));
}

/** Claims that allow joining a room over `/rtc`; the real server answers 401 otherwise. */
export function requireRoomJoin(claims: AccessClaims): { room: string; identity: string } {
  if (!claims.video.roomJoin || !claims.video.room) {
    throw new AuthError('unauthorized: token has no roomJoin grant for a room');
  }
  if (!claims.identity) throw new AuthError('unauthorized: token has no identity (sub)');
  return { room: claims.video.room, identity: claims.identity };
}

const SOURCE_BY_NAME: Record<string, TrackSource> = {
  camera: TrackSource.CAMERA,
  microphone: TrackSource.MICROPHONE,
  screen_share: TrackSource.SCREEN_SHARE,
  screen_share_audio: TrackSource.SCREEN_SHARE_AUDIO,
};

/** Grant defaults from livekit/protocol `auth/grants.go`. */
export function permissionFromGrant(video: VideoGrant): ParticipantPermission {
  const canPublish = video.canPublish ?? true;
  return new ParticipantPermission({
    canPublish,
    canSubscribe: video.canSubscribe ?? true,
    canPublishData: video.canPublishData ?? canPublish,
    canPublishSources: (video.canPublishSources ?? [])
      .map((name) => SOURCE_BY_NAME[name])
      .filter((source): source is TrackSource => source !== undefined),
    canUpdateMetadata: video.canUpdateOwnMetadata ?? false,
    hidden: video.hidden ?? false,
    recorder: video.recorder ?? false,
    agent: video.agent ?? false,
  });
}

/**
 * Whether a track of this type may carry this source: a microphone is audio, a camera video.
 * Without it a token allowed only a microphone could publish video declared as one.
 */
export function sourceFitsType(source: TrackSource, type: TrackType): boolean {
  if (source === TrackSource.MICROPHONE || source === TrackSource.SCREEN_SHARE_AUDIO)
    return type === TrackType.AUDIO;
  if (source === TrackSource.CAMERA || source === TrackSource.SCREEN_SHARE)
    return type === TrackType.VIDEO;
  return type === TrackType.AUDIO || type === TrackType.VIDEO;
}

export function canPublishSource(permission: ParticipantPermission, source: TrackSource): boolean {
  if (!permission.canPublish) return false;
  return permission.canPublishSources.length === 0 || permission.canPublishSources.includes(source);
}

/** `Authorization: Bearer <jwt>` → the token, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  const record: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry === 'string') record[key] = entry;
  }
  return record;
}

/**
 * Names and credentials for a call's LiveKit room. The room name carries the tenant, so two
 * tenants can never meet in one room even if a call id repeated; identities are unique per
 * session, so an agent with two tabs is two participants and a rejoin from the same tab
 * replaces its old connection.
 */
import { AccessToken, TrackSource, type VideoGrant } from 'livekit-server-sdk';

export type PartyRole = 'agent' | 'caller';

/**
 * Join tokens are only needed to connect (LiveKit refreshes the token of a connected
 * participant), so they live one minute: a party that hands the call on (a blind transfer)
 * cannot use its old token for long, and call control removes it from the room meanwhile.
 */
export const JOIN_TOKEN_TTL_SECONDS = 60;

export const callRoomName = (tenantId: string, callId: string) => `t_${tenantId}_call_${callId}`;

/** The tenant of a call's room (callRoomName's inverse); undefined for any other room. */
export function tenantOfCallRoom(room: string): string | undefined {
  return /^t_(.+)_call_[^_]+$/.exec(room)?.[1];
}

export const partyIdentity = (role: PartyRole, userId: string, sessionId: string) =>
  `${role}:${userId}:${sessionId}`;

/**
 * Participants call control lets into a call's room besides its parties: the supervisor
 * route's listeners (`monitor:…`) and speakers (`supervisor:…`), and the call's own script
 * participant (`script:<callId>`) and a phone caller's waiting audio (`waiting:<callId>`). Every LiveKit token is minted by call control, so an
 * identity cannot claim one of these prefixes without having been given it.
 */
export function isRoomVisitor(identity: string, callId: string): boolean {
  return (
    identity.startsWith('monitor:') ||
    identity.startsWith('supervisor:') ||
    identity === `script:${callId}` ||
    identity === `waiting:${callId}`
  );
}

export interface JoinTokenRequest {
  room: string;
  identity: string;
  /** Shown to the other party as the participant's name. */
  name: string;
}

/**
 * Every LiveKit token call control mints goes through here: one identity, one room, exactly the
 * grants the caller names (never room creation, listing or administration, never metadata
 * updates), and a short life.
 */
export function mintRoomToken(
  apiKey: string,
  apiSecret: string,
  request: JoinTokenRequest,
  grant: Omit<VideoGrant, 'roomJoin' | 'room' | 'canUpdateOwnMetadata'>,
  ttlSeconds: number,
): Promise<string> {
  const token = new AccessToken(apiKey, apiSecret, {
    identity: request.identity,
    name: request.name,
    ttl: ttlSeconds,
  });
  token.addGrant({ roomJoin: true, room: request.room, ...grant, canUpdateOwnMetadata: false });
  return token.toJwt();
}

/**
 * A token that lets one party into one room and nothing else: join, publish the camera and
 * the microphone, subscribe, send data.
 */
export function mintJoinToken(
  apiKey: string,
  apiSecret: string,
  request: JoinTokenRequest,
): Promise<string> {
  return mintRoomToken(
    apiKey,
    apiSecret,
    request,
    {
      canPublish: true,
      canSubscribe: true,
      canPublishData: true,
      canPublishSources: [TrackSource.CAMERA, TrackSource.MICROPHONE],
    },
    JOIN_TOKEN_TTL_SECONDS,
  );
}

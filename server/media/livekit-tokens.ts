/**
 * Names and credentials for a call's LiveKit room. The room name carries the tenant, so two
 * tenants can never meet in one room even if a call id repeated; identities are unique per
 * session, so an agent with two tabs is two participants and a rejoin from the same tab
 * replaces its old connection.
 */
import { AccessToken, TrackSource } from 'livekit-server-sdk';

export type PartyRole = 'agent' | 'caller';

/** Join tokens are only needed to connect; LiveKit refreshes the token of a connected participant. */
export const JOIN_TOKEN_TTL_SECONDS = 10 * 60;

export const callRoomName = (tenantId: string, callId: string) => `t_${tenantId}_call_${callId}`;

export const partyIdentity = (role: PartyRole, userId: string, sessionId: string) =>
  `${role}:${userId}:${sessionId}`;

export interface JoinTokenRequest {
  room: string;
  identity: string;
  /** Shown to the other party as the participant's name. */
  name: string;
}

/**
 * A token that lets one party into one room and nothing else: join, publish the camera and
 * the microphone, subscribe, send data. No room creation, listing or administration.
 */
export function mintJoinToken(
  apiKey: string,
  apiSecret: string,
  request: JoinTokenRequest,
): Promise<string> {
  const token = new AccessToken(apiKey, apiSecret, {
    identity: request.identity,
    name: request.name,
    ttl: JOIN_TOKEN_TTL_SECONDS,
  });
  token.addGrant({
    roomJoin: true,
    room: request.room,
    canPublish: true,
    canSubscribe: true,
    canPublishData: true,
    canPublishSources: [TrackSource.CAMERA, TrackSource.MICROPHONE],
    canUpdateOwnMetadata: false,
  });
  return token.toJwt();
}

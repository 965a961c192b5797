/**
 * The script participant's LiveKit credentials: one identity (`script:<callId>`) in one call's
 * room, allowed to publish a camera and a microphone and nothing else: no subscribing, no data,
 * no metadata, no administration. The token only has to last until the participant has joined
 * (LiveKit keeps a connected participant's session alive on its own).
 */
import { TrackSource } from 'livekit-server-sdk';
import { mintRoomToken } from '../media/livekit-tokens.ts';

export const SCRIPT_TOKEN_TTL_SECONDS = 60;

export const scriptIdentity = (callId: string) => `script:${callId}`;

export function mintScriptToken(
  apiKey: string,
  apiSecret: string,
  request: { room: string; identity: string; name: string },
): Promise<string> {
  return mintRoomToken(
    apiKey,
    apiSecret,
    request,
    {
      canPublish: true,
      canSubscribe: false,
      canPublishData: false,
      canPublishSources: [TrackSource.CAMERA, TrackSource.MICROPHONE],
    },
    SCRIPT_TOKEN_TTL_SECONDS,
  );
}

export const waitingAudioIdentity = (callId: string) => `waiting:${callId}`;

/** A phone caller's waiting audio (`waiting-audio.ts`): a microphone in one room, nothing else. */
export function mintWaitingAudioToken(
  apiKey: string,
  apiSecret: string,
  request: { room: string; identity: string; name: string },
): Promise<string> {
  return mintRoomToken(
    apiKey,
    apiSecret,
    request,
    {
      canPublish: true,
      canSubscribe: false,
      canPublishData: false,
      canPublishSources: [TrackSource.MICROPHONE],
    },
    SCRIPT_TOKEN_TTL_SECONDS,
  );
}

/**
 * Test page driven by Playwright: the real livekit-client against the embedded media server.
 * Bundled with esbuild (browser IIFE) by `bundlePage()`; everything is exposed on `window.lk`.
 */
import {
  ConnectionError,
  ConnectionErrorReason,
  Room,
  RoomEvent,
  Track,
  type RemoteParticipant,
  type RemoteTrack,
  type RemoteTrackPublication,
} from 'livekit-client';

export interface RemoteTrackView {
  sid: string;
  kind: string;
  source: string;
  muted: boolean;
  subscribed: boolean;
}

export interface PageState {
  connectionState: string;
  identity: string;
  remotes: Record<string, RemoteTrackView[]>;
  events: string[];
}

export interface InboundStats {
  videoWidth: number;
  framesDecoded: number;
  bytesReceived: number;
}

let room: Room | undefined;
const events: string[] = [];
const mediaElements = new Map<string, HTMLMediaElement>();

function log(event: string): void {
  events.push(event);
}

function subscribeToEvents(target: Room): void {
  target
    .on(RoomEvent.ParticipantConnected, (p) => log(`participantConnected:${p.identity}`))
    .on(RoomEvent.ParticipantDisconnected, (p) => log(`participantDisconnected:${p.identity}`))
    .on(RoomEvent.TrackPublished, (pub, p) => log(`trackPublished:${p.identity}:${pub.source}`))
    .on(RoomEvent.TrackUnpublished, (pub, p) => log(`trackUnpublished:${p.identity}:${pub.source}`))
    .on(RoomEvent.TrackMuted, (pub, p) => log(`trackMuted:${p.identity}:${pub.source}`))
    .on(RoomEvent.TrackUnmuted, (pub, p) => log(`trackUnmuted:${p.identity}:${pub.source}`))
    .on(RoomEvent.TrackSubscriptionPermissionChanged, (pub, status, p) =>
      log(`trackPermission:${p.identity}:${pub.source}:${status}`),
    )
    .on(RoomEvent.TrackSubscriptionFailed, (sid, p) =>
      log(`trackSubscriptionFailed:${p.identity}:${sid}`),
    )
    .on(RoomEvent.Disconnected, (reason) => log(`disconnected:${reason}`))
    .on(RoomEvent.DataReceived, (payload, p) =>
      log(`data:${p?.identity}:${new TextDecoder().decode(payload)}`),
    )
    .on(
      RoomEvent.TrackSubscribed,
      (track: RemoteTrack, pub: RemoteTrackPublication, p: RemoteParticipant) => {
        log(`trackSubscribed:${p.identity}:${pub.source}`);
        const element = track.attach();
        element.id = `${p.identity}:${track.kind}`;
        document.body.appendChild(element);
        mediaElements.set(element.id, element);
      },
    )
    .on(RoomEvent.TrackUnsubscribed, (track: RemoteTrack, pub, p) => {
      log(`trackUnsubscribed:${p.identity}:${pub.source}`);
      for (const element of track.detach()) element.remove();
    });
}

async function connect(
  url: string,
  token: string,
  publish: boolean,
): Promise<{ error?: string; reason?: string; status?: number }> {
  room = new Room({
    singlePeerConnection: false,
    adaptiveStream: false,
    dynacast: false,
    publishDefaults: { simulcast: false, videoCodec: 'vp8', red: false },
  });
  subscribeToEvents(room);
  try {
    await room.connect(url, token, { autoSubscribe: true });
    if (publish) await room.localParticipant.enableCameraAndMicrophone();
    return {};
  } catch (error) {
    const connectionError = error instanceof ConnectionError ? error : undefined;
    return {
      error: error instanceof Error ? error.message : String(error),
      // Room.connect re-wraps the error: `reason` is kept, `reasonName` is not.
      reason: connectionError ? ConnectionErrorReason[connectionError.reason] : undefined,
      status: connectionError?.status,
    };
  }
}

function state(): PageState {
  const remotes: Record<string, RemoteTrackView[]> = {};
  for (const participant of room?.remoteParticipants.values() ?? []) {
    remotes[participant.identity] = [...participant.trackPublications.values()].map((pub) => ({
      sid: pub.trackSid,
      kind: pub.kind,
      source: pub.source,
      muted: pub.isMuted,
      subscribed: pub.isSubscribed,
    }));
  }
  return {
    connectionState: room?.state ?? 'none',
    identity: room?.localParticipant.identity ?? '',
    remotes,
    events: [...events],
  };
}

/** Inbound stats of the subscribed track of `kind` from `identity` (zeros when absent). */
async function inbound(identity: string, kind: 'audio' | 'video'): Promise<InboundStats> {
  const participant = room?.getParticipantByIdentity(identity) as RemoteParticipant | undefined;
  const trackKind = kind === 'audio' ? Track.Kind.Audio : Track.Kind.Video;
  const pub = [...(participant?.trackPublications.values() ?? [])].find(
    (p) => p.kind === trackKind && p.track,
  );
  const element = mediaElements.get(`${identity}:${kind}`);
  const result: InboundStats = {
    videoWidth: element instanceof HTMLVideoElement ? element.videoWidth : 0,
    framesDecoded: 0,
    bytesReceived: 0,
  };
  const report = await pub?.track?.getRTCStatsReport();
  report?.forEach((stat) => {
    if (stat.type !== 'inbound-rtp') return;
    result.framesDecoded += stat.framesDecoded ?? 0;
    result.bytesReceived += stat.bytesReceived ?? 0;
  });
  return result;
}

async function setMicrophoneEnabled(enabled: boolean): Promise<void> {
  await room?.localParticipant.setMicrophoneEnabled(enabled);
}

async function publishData(text: string, destinationIdentities?: string[]): Promise<void> {
  await room?.localParticipant.publishData(new TextEncoder().encode(text), {
    reliable: true,
    destinationIdentities,
  });
}

/** Error message of a refused microphone publish, or '' when it was published. */
async function tryPublishMicrophone(): Promise<string> {
  try {
    await room?.localParticipant.setMicrophoneEnabled(true);
    return '';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** LiveKit's track permissions: `allowAll`, or only these identities may subscribe. */
async function setSubscriptionPermissions(allowAll: boolean, identities: string[]): Promise<void> {
  room?.localParticipant.setTrackSubscriptionPermissions(
    allowAll,
    identities.map((participantIdentity) => ({ participantIdentity, allowAll: true })),
  );
}

async function unpublishCamera(): Promise<void> {
  const pub = room?.localParticipant.getTrackPublication(Track.Source.Camera);
  if (pub?.track) await room?.localParticipant.unpublishTrack(pub.track);
}

async function localMuted(source: 'microphone' | 'camera'): Promise<boolean | undefined> {
  const pub = room?.localParticipant.getTrackPublication(
    source === 'microphone' ? Track.Source.Microphone : Track.Source.Camera,
  );
  return pub?.isMuted;
}

async function disconnect(): Promise<void> {
  await room?.disconnect();
}

const api = {
  connect,
  state,
  inbound,
  setMicrophoneEnabled,
  publishData,
  tryPublishMicrophone,
  setSubscriptionPermissions,
  unpublishCamera,
  localMuted,
  disconnect,
};
export type PageApi = typeof api;
(window as unknown as { lk: PageApi }).lk = api;

import type { Room } from 'livekit-client';
import type { CallMediaState } from '../media-state';
import { joinRequest } from '../testing/fake-call-media';
import { LiveKitCallMedia } from './livekit-call-media';

/** A publication as hold touches it: mute state (local) or subscription (remote). */
class HoldPublication {
  isSubscribed = true;
  readonly calls: string[] = [];

  constructor(
    readonly source: string,
    public isMuted = false,
    /** A published local track (a real one: the state's streams are built from it). */
    readonly track: { mediaStreamTrack: MediaStreamTrack } | null = null,
  ) {}

  async mute(): Promise<void> {
    this.isMuted = true;
    this.calls.push('mute');
  }

  async unmute(): Promise<void> {
    this.isMuted = false;
    this.calls.push('unmute');
  }

  setSubscribed(subscribed: boolean): void {
    this.isSubscribed = subscribed;
    this.calls.push(subscribed ? 'subscribe' : 'unsubscribe');
  }
}

/** The parts of a LiveKit Room that hold uses (events on/off, both participants' publications). */
class HoldRoom {
  readonly localParticipant = {
    trackPublications: new Map<string, HoldPublication>(),
    getTrackPublication: (source: string) =>
      [...this.localParticipant.trackPublications.values()].find((p) => p.source === source),
  };
  readonly remoteParticipants = new Map<
    string,
    { trackPublications: Map<string, HoldPublication> }
  >();
  private readonly handlers = new Map<string, ((...args: unknown[]) => void)[]>();

  on(event: string, handler: (...args: unknown[]) => void): this {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
    return this;
  }

  off(event: string, handler: (...args: unknown[]) => void): this {
    this.handlers.set(
      event,
      (this.handlers.get(event) ?? []).filter((existing) => existing !== handler),
    );
    return this;
  }

  emit(event: string, ...args: unknown[]): void {
    for (const handler of this.handlers.get(event) ?? []) handler(...args);
  }

  getActiveDevice(): string | undefined {
    return undefined;
  }

  async disconnect(): Promise<void> {
    // leave() disconnects; nothing to tear down here.
  }

  publishLocal(
    source: string,
    muted = false,
    track: MediaStreamTrack | null = null,
  ): HoldPublication {
    const publication = new HoldPublication(
      source,
      muted,
      track ? { mediaStreamTrack: track } : null,
    );
    this.localParticipant.trackPublications.set(source, publication);
    return publication;
  }

  publishRemote(source: string): HoldPublication {
    const participant = this.remoteParticipants.get('other') ?? { trackPublications: new Map() };
    this.remoteParticipants.set('other', participant);
    const publication = new HoldPublication(source);
    participant.trackPublications.set(source, publication);
    return publication;
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve));

describe('LiveKitCallMedia: hold', () => {
  let room: HoldRoom;
  let media: LiveKitCallMedia;

  beforeEach(() => {
    room = new HoldRoom();
    media = new LiveKitCallMedia(
      joinRequest('a', { audio: false, video: false }),
      room as unknown as Room,
      async () => [],
    );
  });

  it('agent side: mutes microphone and camera, then restores only what was live before', async () => {
    const microphone = room.publishLocal('microphone');
    const camera = room.publishLocal('camera', true); // the agent had turned the camera off

    media.holdSending();
    await settle();
    expect(microphone.isMuted).toBeTrue();
    expect(camera.isMuted).toBeTrue();

    media.resumeSending();
    await settle();
    expect(microphone.isMuted).toBeFalse();
    expect(camera.isMuted).toBeTrue();
    expect(camera.calls).not.toContain('unmute');
  });

  it("agent side: the state keeps the agent's own microphone and camera choice while held", async () => {
    const states: CallMediaState[] = [];
    media.on('stateChanged', (state) => states.push(state));
    const audio = new AudioContext().createMediaStreamDestination().stream.getAudioTracks()[0];
    const canvas = document.createElement('canvas');
    const video = canvas.captureStream().getVideoTracks()[0];
    room.publishLocal('microphone', false, audio);
    const camera = room.publishLocal('camera', false, video);

    media.holdSending();
    await settle();
    // The hold muted both on the wire, but the agent did not mute themself.
    expect(camera.isMuted).toBeTrue();
    expect(states.at(-1)).toEqual(
      jasmine.objectContaining({ microphoneMuted: false, cameraOn: true }),
    );

    // Muting during the hold is the agent's choice: shown at once, and kept after the resume.
    await media.setMicrophoneEnabled(false);
    expect(states.at(-1)).toEqual(
      jasmine.objectContaining({ microphoneMuted: true, cameraOn: true }),
    );
    media.resumeSending();
    await settle();
    expect(room.localParticipant.getTrackPublication('microphone')?.isMuted).toBeTrue();
    expect(camera.isMuted).toBeFalse();
    expect(states.at(-1)).toEqual(
      jasmine.objectContaining({ microphoneMuted: true, cameraOn: true }),
    );
    audio.stop();
    video.stop();
  });

  it('agent side: a track published while held is muted too, and not after the resume', async () => {
    media.holdSending();
    const late = room.publishLocal('microphone');
    room.emit('localTrackPublished', late);
    await settle();
    expect(late.isMuted).toBeTrue();

    media.resumeSending();
    await settle();
    const later = room.publishLocal('camera');
    room.emit('localTrackPublished', later);
    await settle();
    expect(later.isMuted).toBeFalse();
  });

  it("caller side: unsubscribes from the other side's tracks, including new ones, then resubscribes", () => {
    const video = room.publishRemote('camera');
    media.holdReceiving();
    expect(video.isSubscribed).toBeFalse();

    const audio = room.publishRemote('microphone');
    room.emit('trackPublished', audio);
    expect(audio.isSubscribed).toBeFalse();

    media.resumeReceiving();
    expect(video.isSubscribed).toBeTrue();
    expect(audio.isSubscribed).toBeTrue();
    media.resumeReceiving();
    expect(video.calls).toEqual(['unsubscribe', 'subscribe']);
  });

  it('does nothing once the call left', () => {
    const video = room.publishRemote('camera');
    media.leave();
    media.holdReceiving();
    media.holdSending();
    expect(video.calls).toEqual([]);
  });
});

import type { Room } from 'livekit-client';
import { joinRequest } from '../testing/fake-call-media';
import { LiveKitCallMedia } from './livekit-call-media';

/** A publication as hold touches it: mute state (local) or subscription (remote). */
class HoldPublication {
  isSubscribed = true;
  readonly track = null;
  readonly calls: string[] = [];

  constructor(
    readonly source: string,
    public isMuted = false,
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

  publishLocal(source: string, muted = false): HoldPublication {
    const publication = new HoldPublication(source, muted);
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

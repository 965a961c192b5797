import { TrackPublication, type Room } from 'livekit-client';
import { joinRequest } from '../testing/fake-call-media';
import type { CallMediaState, DeviceOption } from '../media-state';
import { LiveKitCallMedia, type CapturedTracks } from './livekit-call-media';

/** The parts of a LiveKit Room that LiveKitCallMedia uses, played by the test. */
class FakeRoom {
  connectError: Error | null = null;
  /** When set, `connect()` resolves only once this does. */
  connectGate: Promise<void> | null = null;
  connected = false;
  disconnected = false;
  /** Every publishTrack call, and whether the room was connected then. */
  readonly published: { kind: string; whileConnected: boolean }[] = [];
  readonly switched: string[] = [];
  readonly active: Record<string, string | undefined> = {};
  readonly localParticipant = {
    trackPublications: new Map<string, FakePublication>(),
    getTrackPublication: (source: string) =>
      [...this.localParticipant.trackPublications.values()].find((p) => p.source === source),
    publishTrack: async (track: { kind: string }) => {
      this.published.push({ kind: track.kind, whileConnected: this.connected });
    },
    publishDtmf: async (code: number, digit: string) => {
      this.dtmf.push(`${code}:${digit}`);
    },
  };
  /** Every publishDtmf call, as "code:digit". */
  readonly dtmf: string[] = [];
  readonly remoteParticipants = new Map<
    string,
    { trackPublications: Map<string, FakePublication> }
  >();
  private readonly handlers = new Map<string, ((...args: unknown[]) => void)[]>();

  on(event: string, handler: (...args: unknown[]) => void): this {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
    return this;
  }

  emit(event: string, ...args: unknown[]): void {
    for (const handler of this.handlers.get(event) ?? []) handler(...args);
  }

  async connect(): Promise<void> {
    if (this.connectGate) await this.connectGate;
    if (this.connectError) throw this.connectError;
    this.connected = true;
    this.emit('connectionStateChanged', 'connected');
  }

  async disconnect(): Promise<void> {
    this.disconnected = true;
  }

  getActiveDevice(kind: string): string | undefined {
    return this.active[kind];
  }

  async switchActiveDevice(kind: string, deviceId: string): Promise<boolean> {
    this.switched.push(`${kind}:${deviceId}`);
    this.active[kind] = deviceId;
    return true;
  }

  /** The other party publishes a track and we are subscribed to it. */
  addRemote(source: 'camera' | 'microphone', track: MediaStreamTrack): FakePublication {
    const participant = this.remoteParticipants.get('caller') ?? { trackPublications: new Map() };
    this.remoteParticipants.set('caller', participant);
    const publication = new FakePublication(source, track);
    participant.trackPublications.set(track.id, publication);
    this.emit('trackSubscribed', publication.track, publication, participant);
    return publication;
  }
}

class FakePublication {
  isMuted = false;
  isSubscribed = true;
  /** LiveKit's own: a withdrawn permission keeps the track object but stops its media. */
  permissionStatus: TrackPublication.PermissionStatus = TrackPublication.PermissionStatus.Allowed;
  readonly track: {
    mediaStreamTrack: MediaStreamTrack;
    getRTCStatsReport: () => Promise<undefined>;
  };

  constructor(
    readonly source: string,
    mediaStreamTrack: MediaStreamTrack,
  ) {
    this.track = { mediaStreamTrack, getRTCStatsReport: async () => undefined };
  }
}

const videoTrack = () => document.createElement('canvas').captureStream().getVideoTracks()[0];
let audioContext: AudioContext | undefined;
const audioTrack = () =>
  (audioContext ??= new AudioContext()).createMediaStreamDestination().stream.getAudioTracks()[0];

function device(kind: DeviceOption['kind'], deviceId: string): MediaDeviceInfo {
  return { kind, deviceId, label: `${kind} ${deviceId}`, groupId: '', toJSON: () => ({}) };
}

describe('LiveKitCallMedia (against a fake Room)', () => {
  let room: FakeRoom;
  let devices: MediaDeviceInfo[];
  let media: LiveKitCallMedia;
  let states: CallMediaState[];
  let remoteStreams: (MediaStream | null)[];

  beforeEach(async () => {
    room = new FakeRoom();
    devices = [
      device('audioinput', 'default'),
      device('audioinput', 'usb'),
      device('videoinput', 'cam'),
    ];
    // Nothing to capture: these tests are about what the room reports.
    media = new LiveKitCallMedia(
      joinRequest('a', { audio: false, video: false }),
      room as unknown as Room,
      async () => devices,
    );
    states = [];
    remoteStreams = [];
    media.on('stateChanged', (state) => states.push(state));
    media.on('remoteStreamChanged', (stream) => remoteStreams.push(stream));
  });

  const latest = () => states.at(-1)!;

  it('sends keypad digits as DTMF (RFC 4733 codes) and reports what the phone sent', async () => {
    await media.join();
    await media.sendDtmf('1');
    await media.sendDtmf('#');
    await media.sendDtmf('*');
    expect(room.dtmf).toEqual(['1:1', '11:#', '10:*']);
    expect(latest().digitsSent).toBe('1#*');
    await expectAsync(media.sendDtmf('A')).toBeRejectedWithError(/not a keypad digit/);

    room.emit('sipDTMFReceived', { code: 4, digit: '4' });
    room.emit('sipDTMFReceived', { code: 11, digit: '#' });
    expect(latest().digitsReceived).toBe('4#');
  });

  it('turns the other side’s tracks into one stream and says whether its video shows', async () => {
    await media.join();
    expect(latest().connection).toBe('connected');
    expect(latest().remoteMediaArrived).toBeFalse();

    const microphone = audioTrack();
    room.addRemote('microphone', microphone);
    expect(remoteStreams.at(-1)?.getTracks()).toEqual([microphone]);
    expect(latest()).toEqual(
      jasmine.objectContaining({
        remoteMediaArrived: true,
        remoteVideo: false,
        remoteMicrophoneMuted: false,
      }),
    );

    const camera = room.addRemote('camera', videoTrack());
    expect(remoteStreams.at(-1)?.getTracks().length).toBe(2);
    expect(latest().remoteVideo).toBeTrue();

    camera.isMuted = true;
    room.emit('trackMuted', camera);
    expect(latest().remoteVideo).toBeFalse();
    // Same tracks: no new stream for a mute.
    expect(remoteStreams.length).toBe(2);
  });

  it('drops a track whose permission was withdrawn (a whisper after a barge) and takes it back when allowed again', async () => {
    await media.join();
    const microphone = audioTrack();
    const publication = room.addRemote('microphone', microphone);
    expect(remoteStreams.at(-1)?.getTracks()).toEqual([microphone]);

    publication.permissionStatus = TrackPublication.PermissionStatus.NotAllowed;
    room.emit('trackSubscriptionPermissionChanged', publication);
    expect(remoteStreams.at(-1)?.getTracks() ?? []).toEqual([]);

    publication.permissionStatus = TrackPublication.PermissionStatus.Allowed;
    room.emit('trackSubscriptionPermissionChanged', publication);
    expect(remoteStreams.at(-1)?.getTracks()).toEqual([microphone]);
  });

  it('falls back to the default microphone when the one in use is unplugged, without leaving', async () => {
    room.active['audioinput'] = 'usb';
    await media.join();
    expect(latest().activeDevices.audioinput).toBe('usb');

    devices = [device('audioinput', 'default'), device('videoinput', 'cam')];
    room.emit('mediaDevicesChanged');
    await new Promise((resolve) => setTimeout(resolve));

    expect(room.switched).toEqual(['audioinput:default']);
    expect(latest().activeDevices.audioinput).toBe('default');
    expect(latest().connection).toBe('connected');
    expect(room.disconnected).toBeFalse();
  });

  it('reports the devices with readable labels', async () => {
    const lists: DeviceOption[][] = [];
    media.on('devicesChanged', (list) => lists.push(list));
    devices = [{ ...device('audiooutput', 'default'), label: '' }];
    await media.join();
    expect(lists.at(-1)).toEqual([
      { kind: 'audiooutput', deviceId: 'default', label: 'Speaker 1' },
    ]);
  });

  it('leaves the room, and says so, when the call goes away', async () => {
    await media.join();
    room.addRemote('microphone', audioTrack());
    media.leave();
    expect(room.disconnected).toBeTrue();
    expect(remoteStreams.at(-1)).toBeNull();
    expect(latest().connection).toBe('disconnected');
  });

  it('publishes what it captured only once the room is connected (the other side’s tracks come sooner)', async () => {
    let finishConnecting!: () => void;
    room.connectGate = new Promise((resolve) => (finishConnecting = resolve));
    const microphone = { kind: 'audio', stop: () => undefined };
    const captured = {
      microphone: Promise.resolve(microphone),
      camera: Promise.resolve(null),
      stop: () => undefined,
    } as unknown as CapturedTracks;
    media = new LiveKitCallMedia(
      joinRequest('b', { audio: true, video: false }),
      room as unknown as Room,
      async () => devices,
      captured,
    );
    const joined = media.join();
    await new Promise((resolve) => setTimeout(resolve));
    expect(room.published).toEqual([]);

    finishConnecting();
    await joined;
    expect(room.published).toEqual([{ kind: 'audio', whileConnected: true }]);
  });

  it('reports a room it could not join', async () => {
    room.connectError = new Error('could not establish pc connection');
    await media.join();
    expect(latest()).toEqual(
      jasmine.objectContaining({
        connection: 'failed',
        error: 'Media did not connect: could not establish pc connection',
      }),
    );
  });

  it('reports the room closing under it (the call ended on the server)', async () => {
    await media.join();
    room.addRemote('microphone', audioTrack());
    room.emit('disconnected');
    expect(remoteStreams.at(-1)).toBeNull();
    expect(latest().connection).toBe('disconnected');
  });
});

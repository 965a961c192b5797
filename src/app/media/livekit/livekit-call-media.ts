/**
 * The only file that touches livekit-client. It is loaded lazily (CallMediaService imports it
 * with `import()`), so livekit-client stays out of the initial bundle.
 */
import {
  ConnectionState,
  createLocalAudioTrack,
  createLocalVideoTrack,
  Room,
  RoomEvent,
  Track,
  VideoPresets,
  type LocalTrack,
  type LocalTrackPublication,
  type RemoteTrackPublication,
  type RoomOptions,
  TrackPublication,
} from 'livekit-client';
import {
  TypedEmitter,
  type MediaJoinRequest,
  type MediaPrepareRequest,
} from '@switchboard/telephony';
import type {
  CallMediaModule,
  CallMediaSession,
  CallMediaSessionEvents,
  CapturedMedia,
} from '../call-media-session';
import {
  appendDigit,
  dtmfCode,
  fallbackDevice,
  initialCallMediaState,
  type CallMediaState,
  type CallMediaStats,
  type DeviceOption,
  type MediaConnection,
  type MediaDeviceKindName,
} from '../media-state';
import type { PreferredDevices } from '../device-preferences';

/**
 * Dual PeerConnection (the path both the embedded server and every LiveKit serves), one VP8
 * encoding at full resolution, no RED: see docs in ../README.md and livekit-protocol.md §7.
 */
export const ROOM_OPTIONS: RoomOptions = {
  singlePeerConnection: false,
  adaptiveStream: false,
  dynacast: false,
  publishDefaults: { simulcast: false, videoCodec: 'vp8', red: false },
};

/** A console tile is small, and a loaded agent PC encodes it: 640×360 is plenty. */
const CAMERA_RESOLUTION = VideoPresets.h360.resolution;

/** Lists the browser's devices without prompting (labels appear once capture was granted). */
export type DeviceLister = () => Promise<MediaDeviceInfo[]>;

const listDevices: DeviceLister = () => Room.getLocalDevices(undefined, false);

export const createCallMedia: CallMediaModule['createCallMedia'] = (
  request,
  captured,
  devices = {},
) => {
  const media = new LiveKitCallMedia(
    request,
    new Room(ROOM_OPTIONS),
    listDevices,
    captured instanceof CapturedTracks ? captured : new CapturedTracks(request, devices),
    devices.audiooutput ?? null,
  );
  void media.join();
  return media;
};

export const captureMedia: CallMediaModule['captureMedia'] = (request, devices) =>
  new CapturedTracks(request, devices);

/** The microphone and camera a call asked for, opening (getUserMedia) from construction on. */
export class CapturedTracks implements CapturedMedia {
  readonly microphone: Promise<LocalTrack | null>;
  readonly camera: Promise<LocalTrack | null>;
  private stopped = false;

  /**
   * `devices`: the agent's remembered choice. A plain deviceId constraint is `ideal`, so a
   * device that has gone since falls back to the default instead of failing the call.
   */
  constructor(
    { audio, video }: Pick<MediaPrepareRequest, 'audio' | 'video'>,
    devices: PreferredDevices = {},
  ) {
    this.microphone = audio
      ? this.keep(createLocalAudioTrack(devices.audioinput ? { deviceId: devices.audioinput } : {}))
      : Promise.resolve(null);
    this.camera = video
      ? this.keep(
          createLocalVideoTrack({ resolution: CAMERA_RESOLUTION, deviceId: devices.videoinput }),
        )
      : Promise.resolve(null);
    // A device that fails is reported by the join that publishes it, not as an unhandled error.
    for (const track of [this.microphone, this.camera]) track.catch(() => undefined);
  }

  stop(): void {
    this.stopped = true;
    for (const track of [this.microphone, this.camera])
      track.then(
        (captured) => captured?.stop(),
        () => undefined,
      );
  }

  /** A track that arrives after `stop()` is stopped at once. */
  private async keep(capturing: Promise<LocalTrack>): Promise<LocalTrack> {
    const track = await capturing;
    if (this.stopped) track.stop();
    return track;
  }
}

/**
 * One call's LiveKit room: joins, publishes what the call asked for, turns the tracks into
 * MediaStreams, and reports a serializable state. Everything LiveKit stays inside.
 */
export class LiveKitCallMedia
  extends TypedEmitter<CallMediaSessionEvents>
  implements CallMediaSession
{
  readonly callId: string;
  private state: CallMediaState;
  private left = false;
  private localKey = '';
  private remoteKey = '';
  private devices: DeviceOption[] = [];
  /**
   * While held (agent side): which of microphone and camera the agent has muted themself, as
   * before the hold or changed during it. The hold mutes both on the wire; the state (and so
   * the Mute and Camera buttons) keeps showing this, the agent's own choice.
   */
  private mutedBeforeHold: { microphone: boolean; camera: boolean } | null = null;
  private receivingHeld = false;

  constructor(
    private readonly request: MediaJoinRequest,
    private readonly room: Room,
    private readonly listLocalDevices: DeviceLister = listDevices,
    private readonly captured: CapturedTracks = new CapturedTracks(request),
    /** The speaker the agent chose last; playback starts there. */
    preferredSpeaker: string | null = null,
  ) {
    super();
    this.callId = request.callId;
    const initial = initialCallMediaState(request.callId);
    this.state = {
      ...initial,
      activeDevices: { ...initial.activeDevices, audiooutput: preferredSpeaker },
    };
  }

  /**
   * Connects, then publishes; failures end up in the state's `error`, never thrown. The
   * devices open in parallel with the connection (since `prepare()`, usually before the
   * credentials arrive), but publishing waits for `connect()`: livekit-client holds back the
   * other side's tracks (`TrackSubscribed`) until the room is connected, and a publication
   * started before that makes "connected" wait for the publisher PeerConnection's negotiation,
   * ICE and DTLS as well. Publishing after it keeps the other side's media one handshake
   * sooner; a caller joins while the call rings, so its own media is there long before.
   */
  async join(): Promise<void> {
    this.mark('join');
    this.listen();
    this.emit('stateChanged', this.state);
    const { url, token } = this.request;
    const connecting = this.room.connect(url, token, { autoSubscribe: true }).then(
      () => {
        this.mark('connected');
        return true;
      },
      (error: unknown) => {
        this.captured.stop();
        if (!this.left)
          this.update({
            connection: 'failed',
            error: `Media did not connect: ${messageOf(error)}`,
          });
        return false;
      },
    );
    if (!(await connecting) || this.left) return;
    const problems = await this.captureAndPublish();
    if (this.left) return;
    this.mark('published');
    if (problems.length > 0) this.update({ error: problems.join(' ') });
    this.sync();
    await this.refreshDevices();
  }

  /** Publishes the captured microphone and camera; returns what went wrong, in words. */
  private async captureAndPublish(): Promise<string[]> {
    const [microphone, camera] = await Promise.allSettled([
      this.captured.microphone,
      this.captured.camera,
    ]);
    const problems: string[] = [];
    if (microphone.status === 'rejected')
      problems.push(`Microphone unavailable: ${messageOf(microphone.reason)}`);
    if (camera.status === 'rejected')
      problems.push(`Camera unavailable: ${messageOf(camera.reason)}`);
    if (this.left || this.state.connection === 'failed') {
      this.captured.stop();
      return problems;
    }
    const tracks = [microphone, camera]
      .map((result) => (result.status === 'fulfilled' ? result.value : null))
      .filter((track): track is LocalTrack => track !== null);
    await Promise.all(
      tracks.map(async (track) => {
        try {
          await this.room.localParticipant.publishTrack(track);
        } catch (error) {
          track.stop();
          if (!this.left && this.state.connection !== 'failed')
            problems.push(
              `Could not send ${track.kind === Track.Kind.Video ? 'the camera' : 'the microphone'}: ${messageOf(error)}`,
            );
        }
      }),
    );
    return problems;
  }

  async sendDtmf(digit: string): Promise<void> {
    const code = dtmfCode(digit);
    if (code === undefined) throw new Error(`"${digit}" is not a keypad digit`);
    await this.room.localParticipant.publishDtmf(code, digit);
    this.update({ digitsSent: appendDigit(this.state.digitsSent, digit) });
  }

  async setMicrophoneEnabled(enabled: boolean): Promise<void> {
    if (this.chooseWhileHeld(Track.Source.Microphone, enabled)) return;
    await this.room.localParticipant.setMicrophoneEnabled(enabled);
    this.sync();
  }

  async setCameraEnabled(enabled: boolean): Promise<void> {
    if (this.chooseWhileHeld(Track.Source.Camera, enabled)) return;
    await this.room.localParticipant.setCameraEnabled(enabled, { resolution: CAMERA_RESOLUTION });
    this.sync();
  }

  /**
   * On hold, Mute and Camera change what the resume restores, not what is sent (nothing is).
   * False when there is no hold, or nothing published yet for that source: enabling publishes
   * it, and the hold mutes the new publication like any other.
   */
  private chooseWhileHeld(source: Track.Source, enabled: boolean): boolean {
    const held = this.mutedBeforeHold;
    if (!held || this.left || !this.room.localParticipant.getTrackPublication(source)) return false;
    this.mutedBeforeHold =
      source === Track.Source.Microphone
        ? { ...held, microphone: !enabled }
        : { ...held, camera: !enabled };
    this.sync();
    return true;
  }

  /** Hold, agent side: the caller gets nothing from us; a track published later is muted too. */
  holdSending(): void {
    if (this.left || this.mutedBeforeHold) return;
    const local = this.room.localParticipant;
    this.mutedBeforeHold = {
      microphone: local.getTrackPublication(Track.Source.Microphone)?.isMuted ?? false,
      camera: local.getTrackPublication(Track.Source.Camera)?.isMuted ?? false,
    };
    for (const publication of local.trackPublications.values()) this.muteForHold(publication);
    this.room.on(RoomEvent.LocalTrackPublished, this.muteForHold);
  }

  /** Restores the microphone and camera to their state before the hold. */
  resumeSending(): void {
    const before = this.mutedBeforeHold;
    if (!before) return;
    this.mutedBeforeHold = null;
    this.room.off(RoomEvent.LocalTrackPublished, this.muteForHold);
    if (this.left) return;
    const local = this.room.localParticipant;
    const restore = (source: Track.Source, wasMuted: boolean) => {
      const publication = local.getTrackPublication(source);
      if (publication && !wasMuted)
        publication.unmute().then(
          () => this.sync(),
          (error: unknown) => this.update({ error: `Could not resume: ${messageOf(error)}` }),
        );
    };
    restore(Track.Source.Microphone, before.microphone);
    restore(Track.Source.Camera, before.camera);
  }

  /** Hold, caller side: unsubscribe from the agent (the embedded server stops forwarding). */
  holdReceiving(): void {
    if (this.left || this.receivingHeld) return;
    this.receivingHeld = true;
    for (const participant of this.room.remoteParticipants.values())
      for (const publication of participant.trackPublications.values())
        publication.setSubscribed(false);
    this.room.on(RoomEvent.TrackPublished, this.unsubscribeWhileHeld);
    this.sync();
  }

  resumeReceiving(): void {
    if (!this.receivingHeld) return;
    this.receivingHeld = false;
    this.room.off(RoomEvent.TrackPublished, this.unsubscribeWhileHeld);
    if (this.left) return;
    for (const participant of this.room.remoteParticipants.values())
      for (const publication of participant.trackPublications.values())
        publication.setSubscribed(true);
  }

  private readonly muteForHold = (publication: LocalTrackPublication): void => {
    if (
      publication.source !== Track.Source.Microphone &&
      publication.source !== Track.Source.Camera
    )
      return;
    publication.mute().then(
      () => this.sync(),
      (error: unknown) => console.warn('[media] muting for hold failed', error),
    );
  };

  private readonly unsubscribeWhileHeld = (publication: RemoteTrackPublication): void =>
    publication.setSubscribed(false);

  async switchDevice(kind: MediaDeviceKindName, deviceId: string): Promise<void> {
    if (kind === 'audiooutput') {
      // Playback happens in the console's own elements (setSinkId there); LiveKit only records it.
      this.update({ activeDevices: { ...this.state.activeDevices, audiooutput: deviceId } });
      return;
    }
    await this.room.switchActiveDevice(kind, deviceId);
    this.update({ activeDevices: { ...this.state.activeDevices, [kind]: deviceId } });
    this.sync();
  }

  /** Inbound and outbound RTP figures, summed per kind (for tests and the benchmark). */
  async stats(): Promise<CallMediaStats> {
    const result: CallMediaStats = {
      callId: this.callId,
      connection: this.state.connection,
      inbound: {
        video: { framesDecoded: 0, frameWidth: 0, frameHeight: 0, bytesReceived: 0 },
        audio: { bytesReceived: 0, packetsReceived: 0 },
      },
      outbound: { videoBytesSent: 0, audioBytesSent: 0 },
      remoteVideoMuted: !this.state.remoteVideo,
      remoteMicrophoneMuted: this.state.remoteMicrophoneMuted,
    };
    const reports: Promise<RTCStatsReport | undefined>[] = [];
    for (const participant of this.room.remoteParticipants.values())
      for (const publication of participant.trackPublications.values())
        if (publication.track) reports.push(publication.track.getRTCStatsReport());
    for (const publication of this.room.localParticipant.trackPublications.values())
      if (publication.track) reports.push(publication.track.getRTCStatsReport());
    for (const report of await Promise.all(reports)) {
      report?.forEach((stat: Record<string, number | string | undefined>) => {
        const number = (key: string) => Number(stat[key] ?? 0);
        if (stat['type'] === 'inbound-rtp' && stat['kind'] === 'video') {
          const video = result.inbound.video;
          video.framesDecoded += number('framesDecoded');
          video.bytesReceived += number('bytesReceived');
          video.frameWidth = Math.max(video.frameWidth, number('frameWidth'));
          video.frameHeight = Math.max(video.frameHeight, number('frameHeight'));
        } else if (stat['type'] === 'inbound-rtp' && stat['kind'] === 'audio') {
          result.inbound.audio.bytesReceived += number('bytesReceived');
          result.inbound.audio.packetsReceived += number('packetsReceived');
        } else if (stat['type'] === 'outbound-rtp') {
          if (stat['kind'] === 'video') result.outbound.videoBytesSent += number('bytesSent');
          else result.outbound.audioBytesSent += number('bytesSent');
        }
      });
    }
    return result;
  }

  /** Leaves the room (the other side sees us go at once) and stops the camera and microphone. */
  leave(): void {
    if (this.left) return;
    this.left = true;
    // Tracks already published stop with the room; any still being captured stop here.
    this.captured.stop();
    this.room
      .disconnect()
      .catch((error: unknown) => console.warn('[media] leaving the room failed', error));
    this.localKey = this.remoteKey = '';
    this.emit('localStreamChanged', null);
    this.emit('remoteStreamChanged', null);
    this.update({ connection: 'disconnected' });
    this.removeAllListeners();
  }

  private listen(): void {
    const sync = () => this.sync();
    this.room
      .on(RoomEvent.ConnectionStateChanged, (state) => {
        if (this.state.connection !== 'failed') this.update({ connection: connectionOf(state) });
      })
      .on(RoomEvent.TrackSubscribed, sync)
      .on(RoomEvent.TrackUnsubscribed, sync)
      .on(RoomEvent.TrackMuted, sync)
      .on(RoomEvent.TrackUnmuted, sync)
      .on(RoomEvent.TrackUnpublished, sync)
      .on(RoomEvent.TrackSubscriptionPermissionChanged, sync)
      .on(RoomEvent.ParticipantDisconnected, sync)
      .on(RoomEvent.LocalTrackPublished, sync)
      .on(RoomEvent.LocalTrackUnpublished, sync)
      .on(RoomEvent.ActiveDeviceChanged, (kind, deviceId) => {
        if (kind === 'audioinput' || kind === 'videoinput')
          this.update({ activeDevices: { ...this.state.activeDevices, [kind]: deviceId } });
        sync();
      })
      .on(RoomEvent.MediaDevicesChanged, () => void this.handleDeviceChange())
      // A phone's keypad (LiveKit SIP turns its RFC 4733 events into DTMF data packets).
      .on(RoomEvent.SipDTMFReceived, ({ digit }) => {
        if (dtmfCode(digit) !== undefined)
          this.update({ digitsReceived: appendDigit(this.state.digitsReceived, digit) });
      })
      .on(RoomEvent.Disconnected, () => {
        // The server closed the room (the call ended) or the connection is gone for good.
        if (this.left) return;
        this.localKey = this.remoteKey = '';
        this.emit('localStreamChanged', null);
        this.emit('remoteStreamChanged', null);
        this.update({ connection: 'disconnected' });
      });
  }

  /** Recomputes both streams and the state from the room; emits only what changed. */
  private sync(): void {
    if (this.left) return;
    const local = this.room.localParticipant;
    const microphone = local.getTrackPublication(Track.Source.Microphone);
    const camera = local.getTrackPublication(Track.Source.Camera);
    const cameraOn = !!camera?.track && !camera.isMuted;
    const localTracks = [microphone?.track, cameraOn ? camera?.track : undefined]
      .filter((track) => !!track)
      .map((track) => track.mediaStreamTrack);

    const remotePublications: TrackPublication[] = [];
    for (const participant of this.room.remoteParticipants.values())
      for (const publication of participant.trackPublications.values())
        // A publication whose permission was withdrawn (a whisper after a barge) keeps its track
        // object on a real LiveKit, which only stops forwarding it: it is no longer heard.
        if (
          publication.track &&
          publication.isSubscribed &&
          publication.permissionStatus === TrackPublication.PermissionStatus.Allowed
        )
          remotePublications.push(publication);
    const remoteTracks = remotePublications.map(
      (publication) => publication.track!.mediaStreamTrack,
    );
    const remoteLive = (source: Track.Source) =>
      remotePublications.some(
        (publication) => publication.source === source && !publication.isMuted,
      );

    const localKey = streamKey(localTracks);
    if (localKey !== this.localKey) {
      this.localKey = localKey;
      this.emit('localStreamChanged', localTracks.length ? new MediaStream(localTracks) : null);
    }
    const remoteKey = streamKey(remoteTracks);
    if (remoteTracks.length > 0 && !this.state.remoteMediaArrived) this.mark('remote-media');
    if (remoteKey !== this.remoteKey) {
      this.remoteKey = remoteKey;
      this.emit('remoteStreamChanged', remoteTracks.length ? new MediaStream(remoteTracks) : null);
    }
    // On hold the publications are muted by the hold, not by the agent: report the agent's choice.
    const ownChoice = this.mutedBeforeHold;
    this.update({
      remoteMediaArrived: this.state.remoteMediaArrived || remoteTracks.length > 0,
      microphoneMuted: !microphone?.track || (ownChoice?.microphone ?? microphone.isMuted),
      cameraOn: ownChoice ? !!camera?.track && !ownChoice.camera : cameraOn,
      remoteVideo: remoteLive(Track.Source.Camera),
      remoteMicrophoneMuted: !remoteLive(Track.Source.Microphone),
      activeDevices: {
        audioinput: this.room.getActiveDevice('audioinput') ?? this.state.activeDevices.audioinput,
        videoinput: this.room.getActiveDevice('videoinput') ?? this.state.activeDevices.videoinput,
        audiooutput: this.state.activeDevices.audiooutput ?? 'default',
      },
    });
  }

  /**
   * A device came or went. LiveKit restarts a track whose device ended on that same device,
   * which fails when it was unplugged: switch the microphone or camera to the default device
   * instead, without touching the call. A vanished speaker falls back to the default, too.
   */
  private async handleDeviceChange(): Promise<void> {
    await this.refreshDevices();
    if (this.left) return;
    for (const kind of ['audioinput', 'videoinput'] as const) {
      const active = this.room.getActiveDevice(kind) ?? this.state.activeDevices[kind];
      const next = fallbackDevice(active ?? null, this.devicesOf(kind));
      if (!next) continue;
      try {
        await this.switchDevice(kind, next);
      } catch (error) {
        this.update({
          error: `Could not switch to another ${deviceNoun[kind]}: ${messageOf(error)}`,
        });
      }
    }
    const speaker = fallbackDevice(
      this.state.activeDevices.audiooutput,
      this.devicesOf('audiooutput'),
    );
    if (speaker) await this.switchDevice('audiooutput', speaker);
  }

  private async refreshDevices(): Promise<void> {
    try {
      const devices = await this.listLocalDevices();
      const counters: Record<MediaDeviceKindName, number> = {
        audioinput: 0,
        videoinput: 0,
        audiooutput: 0,
      };
      this.devices = devices
        .filter((device) => device.deviceId && device.kind in counters)
        .map((device) => {
          const kind = device.kind;
          const label = device.label || `${deviceNoun[kind]} ${++counters[kind]}`;
          return { kind, deviceId: device.deviceId, label };
        });
      if (!this.left) this.emit('devicesChanged', this.devices);
    } catch (error) {
      console.warn('[media] listing devices failed', error);
    }
  }

  private devicesOf(kind: MediaDeviceKindName): DeviceOption[] {
    return this.devices.filter((device) => device.kind === kind);
  }

  /** User Timing marks (`switchboard:media:join`…): visible in DevTools, read by the benchmark. */
  private mark(step: 'join' | 'connected' | 'published' | 'remote-media'): void {
    performance.mark(`switchboard:media:${step}`, { detail: { callId: this.callId } });
  }

  private update(changes: Partial<CallMediaState>): void {
    const next = { ...this.state, ...changes };
    if (sameState(next, this.state)) return;
    this.state = next;
    this.emit('stateChanged', next);
  }
}

const deviceNoun: Record<MediaDeviceKindName, string> = {
  audioinput: 'Microphone',
  videoinput: 'Camera',
  audiooutput: 'Speaker',
};

function connectionOf(state: ConnectionState): MediaConnection {
  switch (state) {
    case ConnectionState.Connected:
      return 'connected';
    case ConnectionState.Reconnecting:
    case ConnectionState.SignalReconnecting:
      return 'reconnecting';
    case ConnectionState.Disconnected:
      return 'disconnected';
    default:
      return 'joining';
  }
}

function streamKey(tracks: MediaStreamTrack[]): string {
  return tracks.map((track) => track.id).join(',');
}

function sameState(a: CallMediaState, b: CallMediaState): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

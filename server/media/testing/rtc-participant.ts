/**
 * A LiveKit participant made with LiveKit's own Node SDK (`@livekit/rtc-node`, the Rust core):
 * a real WebRTC client for tests that must meet any LiveKit-compatible server the same way.
 * It joins with a token, optionally publishes a generated microphone (a 440 Hz tone) and camera
 * (a moving gradient), and counts the audio and video frames it decodes from everyone else.
 *
 *   const caller = await RtcParticipant.join(url, token, { audio: true, video: true });
 *   await caller.waitForFrames({ audio: 10, video: 5 });  // decoded from the others
 *   await caller.leave();                                  // a proper leave (livekit's "leave" request)
 */
import {
  AudioFrame,
  AudioSource,
  AudioStream,
  LocalAudioTrack,
  LocalVideoTrack,
  Room,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
  VideoBufferType,
  VideoFrame,
  VideoSource,
  VideoStream,
  type RemoteTrack,
} from '@livekit/rtc-node';

export interface PublishOptions {
  audio?: boolean;
  video?: boolean;
}

export interface ReceivedMedia {
  /** Audio frames that carried sound (not the silence the SDK plays while nothing arrives). */
  audioFrames: number;
  videoFrames: number;
  videoWidth: number;
  /** Identities whose tracks this participant is subscribed to. */
  from: Set<string>;
}

const SAMPLE_RATE = 48_000;
const AUDIO_FRAME_MS = 10;
const VIDEO_WIDTH = 320;
const VIDEO_HEIGHT = 240;
const VIDEO_FPS = 15;
/** The tone is sent at RMS ~5,600; silence and comfort noise stay far below this. */
const SILENCE_RMS = 500;

function rms(samples: Int16Array): number {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

/**
 * Releases rtc-node's native client: without it a test process keeps running after its
 * last test. Call once, after every participant has left.
 */
export { dispose as releaseRtcNode } from '@livekit/rtc-node';

export class RtcParticipant {
  readonly received: ReceivedMedia = {
    audioFrames: 0,
    videoFrames: 0,
    videoWidth: 0,
    from: new Set(),
  };
  /** Frames its microphone has sent: a clock that runs with the media (100 a second). */
  readonly sent = { audioFrames: 0 };
  /** Sends silence instead of the tone while set (as the console's hold mutes its microphone). */
  microphoneMuted = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly readers: ReadableStreamDefaultReader<unknown>[] = [];
  private disconnected = false;

  private constructor(readonly room: Room) {
    room.on(RoomEvent.TrackSubscribed, (track, _publication, participant) => {
      this.received.from.add(participant.identity);
      this.consume(track);
    });
    room.on(RoomEvent.Disconnected, () => (this.disconnected = true));
  }

  static async join(
    url: string,
    token: string,
    publish: PublishOptions = {},
  ): Promise<RtcParticipant> {
    const room = new Room();
    await room.connect(url, token, { autoSubscribe: true, dynacast: false });
    const participant = new RtcParticipant(room);
    if (publish.audio) await participant.publishTone();
    if (publish.video) await participant.publishPattern();
    return participant;
  }

  get identity(): string {
    return this.room.localParticipant!.identity;
  }

  get sid(): string {
    return this.room.localParticipant!.sid ?? '';
  }

  /** Whether the server disconnected it (RemoveParticipant, DeleteRoom, …). */
  get isDisconnected(): boolean {
    return this.disconnected;
  }

  /** Resolves once at least this many frames were decoded from the others. */
  async waitForFrames({ audio = 0, video = 0 }, timeoutMs = 30_000): Promise<ReceivedMedia> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.audioFrames < audio || this.received.videoFrames < video) {
      if (Date.now() > deadline)
        throw new Error(
          `${this.identity} decoded ${this.received.audioFrames} audio / ${this.received.videoFrames} video frames in ${timeoutMs} ms (wanted ${audio} / ${video})`,
        );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return this.received;
  }

  /** Resolves once its microphone has sent this many frames in all. */
  async waitForSent({ audio }: { audio: number }, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.sent.audioFrames < audio) {
      if (Date.now() > deadline)
        throw new Error(`${this.identity} sent ${this.sent.audioFrames} of ${audio} audio frames`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Resolves once the server has disconnected it. */
  async waitForDisconnect(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.disconnected) {
      if (Date.now() > deadline)
        throw new Error(`${this.identity} still connected after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async leave(): Promise<void> {
    this.stopPublishing();
    for (const reader of this.readers) void reader.cancel().catch(() => {});
    await this.room.disconnect();
  }

  private stopPublishing(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.length = 0;
  }

  private consume(track: RemoteTrack): void {
    const video = track.kind === TrackKind.KIND_VIDEO;
    const stream = video ? new VideoStream(track) : new AudioStream(track, SAMPLE_RATE, 1);
    const reader = stream.getReader() as ReadableStreamDefaultReader<unknown>;
    this.readers.push(reader);
    void (async () => {
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (done) return;
        if (video) {
          this.received.videoFrames++;
          this.received.videoWidth = (value as { frame: VideoFrame }).frame.width;
        } else if (rms((value as AudioFrame).data) > SILENCE_RMS) {
          // The SDK's audio stream yields frames (silence) even when no packet arrives.
          this.received.audioFrames++;
        }
      }
    })();
  }

  private async publishTone(): Promise<void> {
    const source = new AudioSource(SAMPLE_RATE, 1);
    const track = LocalAudioTrack.createAudioTrack('microphone', source);
    await this.room.localParticipant!.publishTrack(
      track,
      new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }),
    );
    const samples = (SAMPLE_RATE * AUDIO_FRAME_MS) / 1000;
    let phase = 0;
    this.timers.push(
      setInterval(() => {
        const data = new Int16Array(samples);
        if (!this.microphoneMuted)
          for (let i = 0; i < samples; i++, phase++)
            data[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * phase) / SAMPLE_RATE));
        this.sent.audioFrames++;
        void source.captureFrame(new AudioFrame(data, SAMPLE_RATE, 1, samples)).catch(() => {});
      }, AUDIO_FRAME_MS),
    );
  }

  private async publishPattern(): Promise<void> {
    const source = new VideoSource(VIDEO_WIDTH, VIDEO_HEIGHT);
    const track = LocalVideoTrack.createVideoTrack('camera', source);
    await this.room.localParticipant!.publishTrack(
      track,
      new TrackPublishOptions({ source: TrackSource.SOURCE_CAMERA, simulcast: false }),
    );
    let frame = 0;
    this.timers.push(
      setInterval(() => {
        const data = new Uint8Array(VIDEO_WIDTH * VIDEO_HEIGHT * 4);
        for (let i = 0; i < data.length; i += 4) {
          data[i] = (i / 4 + frame * 4) % 256;
          data[i + 1] = frame % 256;
          data[i + 2] = 128;
          data[i + 3] = 255;
        }
        frame++;
        source.captureFrame(new VideoFrame(data, VIDEO_WIDTH, VIDEO_HEIGHT, VideoBufferType.RGBA));
      }, 1000 / VIDEO_FPS),
    );
  }
}

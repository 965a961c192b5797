/**
 * The script participant's LiveKit client: LiveKit's own Node SDK (`@livekit/rtc-node`, the Rust
 * core with libwebrtc), so it speaks to any LiveKit-compatible server the way LiveKit's own
 * agents do. It publishes a camera (VP8) and a microphone (Opus) from raw frames: the SDK
 * encodes them, answers the SFU's keyframe requests and keeps timestamps continuous across
 * encoder runs by itself.
 *
 *   const publisher = await RtcPublisher.join({ url, token, video: { width, height }, log });
 *   const sink = publisher.newSegment();   // for one ffmpeg run
 *   sink.video(i420Frame); sink.audio(s16lePcm);
 *   await publisher.leave();
 */
import {
  AudioFrame,
  AudioSource,
  ConnectionState,
  LocalAudioTrack,
  LocalVideoTrack,
  Room,
  RoomEvent,
  TrackPublishOptions,
  TrackSource,
  VideoBufferType,
  VideoCodec,
  VideoFrame,
  VideoSource,
} from '@livekit/rtc-node';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * rtc-node logs through a pino of its own on stdout, at debug level outside production: raw JSON
 * lines ("Connect callback received") in the middle of call control's own log. Only its warnings
 * and errors are worth printing. Its logger is not exported, hence the path; if that moves in a
 * later version the logger is simply left as it is.
 */
function quietRtcNodeLog(): { level: string } | undefined {
  try {
    const require = createRequire(import.meta.url);
    const entry = require.resolve('@livekit/rtc-node');
    const { log } = require(join(dirname(entry), 'log.cjs')) as { log?: { level: string } };
    if (log && typeof log.level === 'string') {
      log.level = 'warn';
      return log;
    }
  } catch {
    // A different layout: rtc-node keeps its own level.
  }
  return undefined;
}

/** rtc-node's own logger, quieted to warnings (undefined if it could not be found). */
export const rtcNodeLog = quietRtcNodeLog();

export interface PublisherLog {
  debug(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface PublisherOptions {
  /** The LiveKit URL (ws(s):// or http(s)://). */
  url: string;
  /** A join token for one room and one identity, allowed to publish camera and microphone. */
  token: string;
  /** Unset: a microphone only (a phone caller's waiting audio: phones take no video). */
  video?: { width: number; height: number };
  log: PublisherLog;
  /** For joining and publishing (default 15 s, as livekit-client). */
  timeoutMs?: number;
}

/** Raw media of one encoder run: I420 frames of the publisher's size, s16le mono PCM at 48 kHz. */
export interface RawMediaSink {
  video(frame: Buffer): void;
  audio(pcm: Buffer): void;
}

export const AUDIO_SAMPLE_RATE = 48_000;
/** The SDK takes audio in frames of 10 ms. */
const AUDIO_FRAME_SAMPLES = AUDIO_SAMPLE_RATE / 100;
const AUDIO_FRAME_BYTES = AUDIO_FRAME_SAMPLES * 2;
const DEFAULT_TIMEOUT_MS = 15_000;

function deadline<T>(what: string, timeoutMs: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} within ${timeoutMs} ms`)), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
}

export class RtcPublisher {
  /** The connection to LiveKit was lost (not called after `leave()`). */
  onDisconnected: (reason: string) => void = () => {};
  private readonly videoSource?: VideoSource;
  private readonly audioSource = new AudioSource(AUDIO_SAMPLE_RATE, 1);
  private left = false;

  private constructor(
    private readonly room: Room,
    private readonly options: PublisherOptions,
  ) {
    if (options.video)
      this.videoSource = new VideoSource(options.video.width, options.video.height);
    room.on(RoomEvent.Disconnected, (reason) => {
      if (!this.left) this.onDisconnected(`disconnected (${reason})`);
    });
  }

  /** Joins and publishes its tracks; rejects (and cleans up) when either fails. */
  static async join(options: PublisherOptions): Promise<RtcPublisher> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const room = new Room();
    const publisher = new RtcPublisher(room, options);
    try {
      await deadline(
        'joining the room',
        timeoutMs,
        room.connect(options.url, options.token, { autoSubscribe: false, dynacast: false }),
      );
      await deadline('publishing', timeoutMs, publisher.publish());
      return publisher;
    } catch (error) {
      await publisher.leave();
      throw error;
    }
  }

  get identity(): string {
    return this.room.localParticipant?.identity ?? '';
  }

  /** A sink for one encoder run. Audio is cut into the SDK's 10 ms frames. */
  newSegment(): RawMediaSink {
    const { width, height } = this.options.video ?? { width: 0, height: 0 };
    let pending: Buffer = Buffer.alloc(0);
    return {
      video: (frame) => {
        if (this.left || !this.videoSource) return;
        this.videoSource.captureFrame(
          new VideoFrame(new Uint8Array(frame), width, height, VideoBufferType.I420),
        );
      },
      audio: (pcm) => {
        if (this.left) return;
        pending = pending.length ? Buffer.concat([pending, pcm]) : pcm;
        while (pending.length >= AUDIO_FRAME_BYTES) {
          const chunk = pending.subarray(0, AUDIO_FRAME_BYTES);
          pending = pending.subarray(AUDIO_FRAME_BYTES);
          const samples = new Int16Array(AUDIO_FRAME_SAMPLES);
          for (let i = 0; i < AUDIO_FRAME_SAMPLES; i++) samples[i] = chunk.readInt16LE(i * 2);
          this.audioSource
            .captureFrame(new AudioFrame(samples, AUDIO_SAMPLE_RATE, 1, AUDIO_FRAME_SAMPLES))
            .catch((error: unknown) =>
              this.options.log.debug({ err: String(error) }, 'an audio frame could not be sent'),
            );
        }
      },
    };
  }

  /**
   * Resolves true once another participant is in the room (so it receives what is sent from
   * now on), false after `timeoutMs`. A real livekit-server may never announce a participant
   * that publishes nothing (an agent who only listens), so a subscription to one of our own
   * tracks counts as someone being there too.
   */
  async waitForOthers(timeoutMs: number): Promise<boolean> {
    if (this.room.remoteParticipants.size > 0) return true;
    return new Promise<boolean>((resolve) => {
      const arrived = () => finish(true);
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (result: boolean) => {
        clearTimeout(timer);
        this.room.off(RoomEvent.ParticipantConnected, arrived);
        this.room.off(RoomEvent.LocalTrackSubscribed, arrived);
        this.room.off(RoomEvent.Disconnected, gone);
        resolve(result);
      };
      const gone = () => finish(false);
      this.room.on(RoomEvent.ParticipantConnected, arrived);
      this.room.on(RoomEvent.LocalTrackSubscribed, arrived);
      this.room.on(RoomEvent.Disconnected, gone);
    });
  }

  /** Leaves the room (LiveKit's leave request) and releases the sources. Safe to call twice. */
  async leave(): Promise<void> {
    if (this.left) return;
    this.left = true;
    try {
      if (this.room.connectionState !== ConnectionState.CONN_DISCONNECTED)
        await this.room.disconnect();
    } catch (error) {
      this.options.log.debug({ err: String(error) }, 'leaving the room failed');
    }
    await Promise.allSettled([this.videoSource?.close(), this.audioSource.close()]);
  }

  private async publish(): Promise<void> {
    const participant = this.room.localParticipant!;
    if (this.videoSource)
      await participant.publishTrack(
        LocalVideoTrack.createVideoTrack('camera', this.videoSource),
        new TrackPublishOptions({
          source: TrackSource.SOURCE_CAMERA,
          simulcast: false,
          videoCodec: VideoCodec.VP8,
        }),
      );
    await participant.publishTrack(
      LocalAudioTrack.createAudioTrack('microphone', this.audioSource),
      new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }),
    );
  }
}

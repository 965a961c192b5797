/**
 * What a phone caller hears while waiting: a participant of the phone's room that publishes a
 * microphone only (phones take no video) and plays a greeting once, then music over and over,
 * until `stop()` (an agent answered, the call ended, a hold is over). Its audio is also what makes
 * LiveKit SIP answer the phone (it answers once someone in the room publishes audio).
 *
 *   const player = new WaitingAudio({ greeting: 'welcome.wav', music: 'tone', join, … });
 *   await player.stop();   // the encoder is gone and the participant has left
 *
 * A file that cannot be played is logged and skipped: a broken greeting goes straight to the
 * music, broken music falls back to the built-in tone, so the caller never sits in silence
 * because of a file.
 */
import type { MediaLibrary } from './media-library.ts';
import { FfmpegSource, probeMedia, type EncoderInput } from './media-source-ffmpeg.ts';
import type { RtcPublisher } from './rtc-publisher.ts';
import { BUILT_IN_MUSIC } from './script-schema.ts';

export interface WaitingAudioOptions {
  /** A file of the media directory played once first; null: straight to the music. */
  greeting: string | null;
  /** A file of the media directory, or BUILT_IN_MUSIC. */
  music: string;
  /** Joins the room and publishes a microphone; called once. */
  join: () => Promise<RtcPublisher>;
  ffmpegPath: string | undefined;
  library: MediaLibrary;
  log: {
    info(details: object, message: string): void;
    warn(details: object, message: string): void;
  };
}

export class WaitingAudio {
  /** Settles once the participant has left and no encoder runs. Never rejects. */
  readonly done: Promise<void>;
  private stopped = false;
  private source?: FfmpegSource;
  private publisher?: RtcPublisher;

  constructor(private readonly options: WaitingAudioOptions) {
    this.done = this.run();
  }

  /** Stops at once; resolves when the encoder is gone and the participant has left. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.source?.stop();
    await this.done;
  }

  /** The running encoder's pid (for tests). */
  get encoderPid(): number | undefined {
    return this.source?.pid;
  }

  private async run(): Promise<void> {
    const { log } = this.options;
    try {
      this.publisher = await this.options.join();
      this.publisher.onDisconnected = (reason) => {
        log.warn({ reason }, 'the waiting audio lost the room');
        this.stopped = true;
        void this.source?.stop();
      };
      if (this.options.greeting) await this.playFile(this.options.greeting, false);
      let music = this.options.music;
      while (!this.stopped) {
        const played =
          music === BUILT_IN_MUSIC
            ? await this.play({ kind: 'hold-tone' }, music)
            : await this.playFile(music, true);
        // Music only ends by being stopped; anything else is a broken file: the tone takes over.
        if (!this.stopped && !played) {
          if (music === BUILT_IN_MUSIC) break;
          music = BUILT_IN_MUSIC;
        }
      }
    } catch (error) {
      log.warn({ err: error }, 'the waiting audio could not join the room');
    } finally {
      await this.source?.stop();
      await this.publisher?.leave();
    }
  }

  /** Plays one file (looped: until stopped); false if it could not be played. */
  private async playFile(name: string, loop: boolean): Promise<boolean> {
    const { ffmpegPath, library, log } = this.options;
    if (!ffmpegPath) {
      log.warn({ name }, 'no ffmpeg: the waiting audio cannot play files');
      return false;
    }
    let input: EncoderInput;
    try {
      const path = library.resolve(name);
      const streams = await probeMedia(ffmpegPath, path);
      if (!streams.audio) throw new Error(`${name} has no audio ffmpeg can read`);
      input = { kind: 'file', path, video: false, audio: true, loop };
    } catch (error) {
      log.warn({ name, err: error }, 'a waiting audio file cannot be played; skipping it');
      return false;
    }
    return this.play(input, name);
  }

  /** Runs one encoder until its media ends or `stop()`; false if it failed. */
  private async play(input: EncoderInput, name: string): Promise<boolean> {
    const { ffmpegPath, log } = this.options;
    if (this.stopped || !ffmpegPath || !this.publisher) return false;
    const source = await FfmpegSource.start(ffmpegPath, input, this.publisher.newSegment());
    this.source = source;
    // stop() may have run while the encoder started: it saw no source to stop.
    if (this.stopped) await source.stop();
    const exit = await source.ended;
    this.source = undefined;
    if (source.stopped || exit.code === 0) return true;
    log.warn(
      { name, code: exit.code, signal: exit.signal, stderr: exit.stderr },
      'ffmpeg failed playing the waiting audio',
    );
    return false;
  }
}

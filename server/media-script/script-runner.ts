/**
 * Runs one call's script: joins the call's room as the script participant, waits (briefly) for
 * the agent to be there, then plays, pauses and hangs up step by step. `stop()` (the call ended
 * first) ends whatever runs now, promptly: the encoder, a pause's timer, the participant.
 *
 * The runner never ends the call itself: it reports how the script came out through `ended`
 * (before leaving the room, so the call's end is what the agent sees first), and the owner hangs
 * up through the router.
 */
import type { RtcPublisher } from './rtc-publisher.ts';
import type { MediaLibrary } from './media-library.ts';
import { FfmpegSource, probeMedia, type EncoderInput } from './media-source-ffmpeg.ts';
import type { PlanStep } from './script-schema.ts';

export type ScriptOutcome =
  | { kind: 'finished' }
  | { kind: 'failed'; reason: string }
  /** `stop()` was called: the call ended first, or call control is shutting down. */
  | { kind: 'stopped' };

export interface ScriptRunnerOptions {
  plan: PlanStep[];
  /** Joins the room and publishes; called once at the start. */
  join: () => Promise<RtcPublisher>;
  ffmpegPath: string | undefined;
  library: MediaLibrary;
  /** Called once, before leaving the room, unless stopped. */
  ended: (outcome: ScriptOutcome) => void;
  log: {
    info(details: object, message: string): void;
    warn(details: object, message: string): void;
  };
  /** How long to wait for someone else in the room before playing anyway (default 10 s). */
  waitForOthersMs?: number;
}

class Stopped extends Error {}

export class ScriptRunner {
  /** Settles when the runner is done and everything it started is closed. */
  readonly done: Promise<ScriptOutcome>;
  private readonly abort = new AbortController();
  /** Why the participant lost LiveKit, when that is what stopped the script. */
  private lostReason?: string;
  private readonly aborted: Promise<never>;
  private source?: FfmpegSource;
  private publisher?: RtcPublisher;

  constructor(private readonly options: ScriptRunnerOptions) {
    this.aborted = new Promise<never>((_resolve, reject) =>
      this.abort.signal.addEventListener('abort', () => reject(new Stopped()), { once: true }),
    );
    this.aborted.catch(() => {});
    this.done = this.run();
  }

  /** Stops at once and resolves when the encoder is gone and the participant has left. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.source?.stop();
    await this.done;
  }

  /** The running encoder's pid, if a play step is running. */
  get encoderPid(): number | undefined {
    return this.source?.pid;
  }

  private async run(): Promise<ScriptOutcome> {
    let outcome: ScriptOutcome;
    try {
      this.publisher = await this.join();
      this.publisher.onDisconnected = (reason) => {
        this.lostReason = reason;
        this.abort.abort();
      };
      await this.unlessStopped(
        this.publisher.waitForOthers(this.options.waitForOthersMs ?? 10_000),
      );
      for (const step of this.options.plan) {
        if (step.kind === 'hangup') break;
        if (step.kind === 'pause') await this.pause(step.seconds);
        else await this.play(step);
      }
      outcome = { kind: 'finished' };
    } catch (error) {
      outcome = this.outcomeOf(error);
    }
    await this.source?.stop();
    if (outcome.kind !== 'stopped') this.options.ended(outcome);
    await this.publisher?.leave();
    return outcome;
  }

  private outcomeOf(error: unknown): ScriptOutcome {
    if (this.lostReason !== undefined)
      return { kind: 'failed', reason: `lost the media room: ${this.lostReason}` };
    if (error instanceof Stopped) return { kind: 'stopped' };
    return { kind: 'failed', reason: error instanceof Error ? error.message : String(error) };
  }

  /** `work`, unless the runner is stopped first (then a Stopped error). */
  private unlessStopped<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.aborted]);
  }

  /**
   * Joins the room. Stopped while joining, it still waits for the join to settle and leaves:
   * nothing may stay connected behind the runner's back.
   */
  private async join(): Promise<RtcPublisher> {
    const joining = this.options.join();
    try {
      return await this.unlessStopped(joining);
    } catch (error) {
      if (error instanceof Stopped) await joining.then((late) => late.leave()).catch(() => {});
      throw error;
    }
  }

  private async pause(seconds: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await this.unlessStopped(
        new Promise<void>((resolve) => (timer = setTimeout(resolve, seconds * 1000))),
      );
    } finally {
      clearTimeout(timer);
    }
  }

  private async play(step: Extract<PlanStep, { kind: 'test-pattern' | 'file' }>): Promise<void> {
    const { ffmpegPath } = this.options;
    if (!ffmpegPath) throw new Error('no ffmpeg to encode the media with');
    let input: EncoderInput;
    if (step.kind === 'test-pattern') {
      input = step;
    } else {
      const path = this.options.library.resolve(step.name);
      const streams = await this.unlessStopped(probeMedia(ffmpegPath, path));
      if (!streams.video && !streams.audio)
        throw new Error(`media file ${step.name} has no audio or video ffmpeg can read`);
      input = { kind: 'file', path, seconds: step.seconds, ...streams };
    }
    const source = await FfmpegSource.start(ffmpegPath, input, this.publisher!.newSegment());
    this.source = source;
    const exit = await this.unlessStopped(source.ended);
    this.source = undefined;
    if (exit.code !== 0)
      throw new Error(
        `ffmpeg ended with ${exit.code ?? exit.signal} playing ${step.kind === 'file' ? step.name : step.kind}: ${exit.stderr || 'no error output'}`,
      );
  }
}

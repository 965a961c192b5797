/**
 * One play step's media: an ffmpeg child process that decodes (or generates) it in real time to
 * raw frames, I420 video of the publisher's size on its stdout and 48 kHz mono s16le audio on a
 * third pipe, handed to a sink (the rtc-node publisher, which encodes them). `stop()` ends the
 * process (TERM, then KILL); the process ending on its own (the step's media is over) ends it too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { AUDIO_SAMPLE_RATE, type RawMediaSink } from './rtc-publisher.ts';

export const VIDEO_WIDTH = 640;
export const VIDEO_HEIGHT = 360;
const FRAME_RATE = 25;
/** Bytes of one I420 frame. */
const FRAME_BYTES = (VIDEO_WIDTH * VIDEO_HEIGHT * 3) / 2;
const STOP_GRACE_MS = 2_000;
const STDERR_LIMIT = 4_000;

export type EncoderInput =
  | { kind: 'test-pattern'; seconds: number }
  | {
      kind: 'file';
      path: string;
      seconds?: number;
      video: boolean;
      audio: boolean;
      /** Play it again and again until stopped (music on hold). */
      loop?: boolean;
    }
  /** Generated music on hold, audio only, until stopped: two notes, then a pause. */
  | { kind: 'hold-tone' };

/**
 * The built-in music on hold: C5 and E5 for half a second each, then a second of silence, at a
 * quarter of full scale. Unlike ringback (one tone in bursts) it tells a caller "you are
 * connected and waiting"; the pattern also lets tests recognise it.
 */
const HOLD_TONE =
  `aevalsrc='0.25*sin(2*PI*t*if(lt(mod(t,2),0.5),523.25,659.25))*lt(mod(t,2),1)'` +
  `:sample_rate=${AUDIO_SAMPLE_RATE}:channel_layout=mono`;

export interface EncoderExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The end of ffmpeg's error output (it logs errors only). */
  stderr: string;
}

const RAW_VIDEO = ['-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1'];
const RAW_AUDIO = ['-f', 's16le', '-ar', String(AUDIO_SAMPLE_RATE), '-ac', '1', 'pipe:3'];
/** Any picture becomes exactly the publisher's size (letterboxed), at its frame rate. */
const FIT = `scale=${VIDEO_WIDTH}:${VIDEO_HEIGHT}:force_original_aspect_ratio=decrease,pad=${VIDEO_WIDTH}:${VIDEO_HEIGHT}:(ow-iw)/2:(oh-ih)/2,fps=${FRAME_RATE}`;

/** ffmpeg's command line for one input (exported for the unit test). */
export function ffmpegArguments(input: EncoderInput): string[] {
  const head = ['-hide_banner', '-loglevel', 'error', '-nostats', '-nostdin'];
  if (input.kind === 'test-pattern') {
    const seconds = String(input.seconds);
    return [
      ...head,
      '-re',
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=${VIDEO_WIDTH}x${VIDEO_HEIGHT}:rate=${FRAME_RATE}:duration=${seconds}`,
      '-re',
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=440:beep_factor=2:sample_rate=${AUDIO_SAMPLE_RATE}:duration=${seconds}`,
      '-map',
      '0:v',
      ...RAW_VIDEO,
      '-map',
      '1:a',
      ...RAW_AUDIO,
    ];
  }
  if (input.kind === 'hold-tone')
    return [...head, '-re', '-f', 'lavfi', '-i', HOLD_TONE, '-map', '0:a', ...RAW_AUDIO];
  const limit = input.seconds === undefined ? [] : ['-t', String(input.seconds)];
  return [
    ...head,
    '-re',
    ...(input.loop ? ['-stream_loop', '-1'] : []),
    ...limit,
    '-i',
    input.path,
    ...(input.video ? ['-map', '0:v:0', '-vf', FIT, ...RAW_VIDEO] : []),
    ...(input.audio ? ['-map', '0:a:0', ...RAW_AUDIO] : []),
  ];
}

/** Which kinds of stream a file has, read from ffmpeg's own description of it. */
export async function probeMedia(
  ffmpegPath: string,
  path: string,
): Promise<{ video: boolean; audio: boolean }> {
  // Without an output ffmpeg describes the input on stderr and exits 1.
  const child = spawn(ffmpegPath, ['-hide_banner', '-nostdin', '-i', path], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let text = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    if (text.length < 64_000) text += chunk;
  });
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', () => resolve());
  });
  const streams = text.split('\n').filter((line) => /^\s*Stream #0:\d+/.test(line));
  return {
    video: streams.some((line) => / Video: /.test(line) && !/attached pic/.test(line)),
    audio: streams.some((line) => / Audio: /.test(line)),
  };
}

/** Cuts a byte stream into frames of `size` bytes. */
function readFrames(stream: Readable, size: number, onFrame: (frame: Buffer) => void): void {
  let pending: Buffer = Buffer.alloc(0);
  stream.on('data', (chunk: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= size) {
      onFrame(Buffer.from(pending.subarray(0, size)));
      pending = pending.subarray(size);
    }
  });
}

export class FfmpegSource {
  /** Settles when ffmpeg has exited. */
  readonly ended: Promise<EncoderExit>;
  private stopping = false;

  private constructor(private readonly child: ChildProcess) {
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_LIMIT);
    });
    this.ended = new Promise<EncoderExit>((resolve) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null) =>
        resolve({ code, signal, stderr: stderr.trim() });
      child.once('error', (error) => {
        stderr += `\n${error.message}`;
        // A process that never started emits no 'close'.
        if (child.pid === undefined) finish(null, null);
      });
      child.once('close', finish);
    });
  }

  /** Starts decoding `input`; frames go to `sink` as ffmpeg produces them, in real time. */
  static async start(
    ffmpegPath: string,
    input: EncoderInput,
    sink: RawMediaSink,
  ): Promise<FfmpegSource> {
    const child = spawn(ffmpegPath, ffmpegArguments(input), {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    readFrames(child.stdout!, FRAME_BYTES, (frame) => sink.video(frame));
    (child.stdio[3] as Readable).on('data', (pcm: Buffer) => sink.audio(pcm));
    return new FfmpegSource(child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether `stop()` ended it (rather than its media running out or an error). */
  get stopped(): boolean {
    return this.stopping;
  }

  /** Ends ffmpeg (TERM, then KILL after 2 s) and resolves once it is gone. */
  async stop(): Promise<EncoderExit> {
    this.stopping = true;
    if (this.child.exitCode === null && this.child.signalCode === null && this.child.pid) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
      const exit = await this.ended;
      clearTimeout(timer);
      return exit;
    }
    return this.ended;
  }
}

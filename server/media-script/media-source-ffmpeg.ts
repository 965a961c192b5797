/**
 * One play step's media: an ffmpeg child process that encodes (VP8 + Opus, in real time) and
 * sends RTP to two UDP sockets on 127.0.0.1, whose packets are handed to a sink (the publisher's
 * werift tracks). ffmpeg cannot answer a keyframe request, so the video has a keyframe every
 * second. `stop()` ends the process (TERM, then KILL) and closes both sockets; the process ending
 * on its own (the step's media is over) closes them too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { isRtcp } from './rtp-continuity.ts';

export const VIDEO_WIDTH = 640;
export const VIDEO_HEIGHT = 360;
const FRAME_RATE = 25;
/** Bytes per RTP packet: well under a path MTU once SRTP and the UDP/IP headers are added. */
const PACKET_SIZE = 1200;
const STOP_GRACE_MS = 2_000;
const STDERR_LIMIT = 4_000;

export type EncoderInput =
  | { kind: 'test-pattern'; seconds: number }
  | { kind: 'file'; path: string; seconds?: number; video: boolean; audio: boolean };

export interface EncodedMediaSink {
  video(packet: Buffer): void;
  audio(packet: Buffer): void;
}

export interface EncoderExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The end of ffmpeg's error output (it logs errors only). */
  stderr: string;
}

const VP8 = [
  '-c:v',
  'libvpx',
  '-deadline',
  'realtime',
  '-cpu-used',
  '8',
  '-g',
  String(FRAME_RATE),
  '-keyint_min',
  String(FRAME_RATE),
  '-b:v',
  '600k',
  '-maxrate',
  '800k',
  '-bufsize',
  '400k',
  '-lag-in-frames',
  '0',
  '-error-resilient',
  '1',
  '-pix_fmt',
  'yuv420p',
];
const OPUS = ['-c:a', 'libopus', '-b:a', '48k', '-ar', '48000', '-ac', '1'];

const rtpUrl = (port: number) => `rtp://127.0.0.1:${port}?rtcpport=${port}&pkt_size=${PACKET_SIZE}`;

/** ffmpeg's command line for one input (exported for the unit test). */
export function ffmpegArguments(
  input: EncoderInput,
  ports: { video: number; audio: number },
): string[] {
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
      `sine=frequency=440:beep_factor=2:sample_rate=48000:duration=${seconds}`,
      '-map',
      '0:v',
      ...VP8,
      '-f',
      'rtp',
      rtpUrl(ports.video),
      '-map',
      '1:a',
      ...OPUS,
      '-f',
      'rtp',
      rtpUrl(ports.audio),
    ];
  }
  const limit = input.seconds === undefined ? [] : ['-t', String(input.seconds)];
  return [
    ...head,
    '-re',
    ...limit,
    '-i',
    input.path,
    ...(input.video
      ? [
          '-map',
          '0:v:0',
          '-vf',
          `scale=${VIDEO_WIDTH}:-2,fps=${FRAME_RATE}`,
          ...VP8,
          '-f',
          'rtp',
          rtpUrl(ports.video),
        ]
      : []),
    ...(input.audio ? ['-map', '0:a:0', ...OPUS, '-f', 'rtp', rtpUrl(ports.audio)] : []),
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

async function bindLoopbackSocket(onPacket: (packet: Buffer) => void): Promise<Socket> {
  const socket = createSocket('udp4');
  socket.on('message', (packet, remote) => {
    // Only this machine's ffmpeg sends here; RTCP sender reports share the port and are dropped.
    if (remote.address !== '127.0.0.1' || isRtcp(packet)) return;
    onPacket(packet);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve();
    });
  });
  return socket;
}

export class FfmpegSource {
  /** Settles when ffmpeg has exited and both sockets are closed. */
  readonly ended: Promise<EncoderExit>;
  private stopping = false;

  private constructor(
    private readonly child: ChildProcess,
    sockets: Socket[],
  ) {
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_LIMIT);
    });
    this.ended = new Promise<EncoderExit>((resolve) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        for (const socket of sockets) socket.close();
        resolve({ code, signal, stderr: stderr.trim() });
      };
      child.once('error', (error) => {
        stderr += `\n${error.message}`;
        // A process that never started emits no 'close'.
        if (child.pid === undefined) finish(null, null);
      });
      child.once('close', finish);
    });
  }

  /** Starts encoding `input`; packets go to `sink` as they arrive. */
  static async start(
    ffmpegPath: string,
    input: EncoderInput,
    sink: EncodedMediaSink,
  ): Promise<FfmpegSource> {
    const video = await bindLoopbackSocket((packet) => sink.video(packet));
    const audio = await bindLoopbackSocket((packet) => sink.audio(packet)).catch((error) => {
      video.close();
      throw error;
    });
    const args = ffmpegArguments(input, {
      video: video.address().port,
      audio: audio.address().port,
    });
    const child = spawn(ffmpegPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    return new FfmpegSource(child, [video, audio]);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether `stop()` ended it (rather than its media running out or an error). */
  get stopped(): boolean {
    return this.stopping;
  }

  /** Ends ffmpeg (TERM, then KILL after 2 s) and resolves once it is gone and the sockets closed. */
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

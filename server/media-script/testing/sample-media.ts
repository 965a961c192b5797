/**
 * A small media file for tests, made by the same ffmpeg at test time rather than committed:
 * a few seconds of VP8 test picture and Opus tone in WebM.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export async function makeSampleMedia(
  ffmpegPath: string,
  directory: string,
  name = 'sample.webm',
  seconds = 2,
): Promise<string> {
  const path = join(directory, name);
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=320x240:rate=25:duration=${seconds}`,
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=660:sample_rate=48000:duration=${seconds}`,
    '-c:v',
    'libvpx',
    '-deadline',
    'realtime',
    '-cpu-used',
    '8',
    '-b:v',
    '300k',
    '-c:a',
    'libopus',
    '-b:a',
    '32k',
    path,
  ];
  const child = spawn(ffmpegPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new Error(`ffmpeg could not make ${name}: ${stderr.trim()}`);
  return path;
}

/** An audio-only WAV of one pure tone (a stand-in greeting or music file tests can recognise). */
export async function makeToneFile(
  ffmpegPath: string,
  directory: string,
  name: string,
  hz: number,
  seconds: number,
): Promise<string> {
  const path = join(directory, name);
  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-f', 'lavfi', '-i'];
  args.push(`sine=frequency=${hz}:sample_rate=48000:duration=${seconds}`, '-ac', '1', path);
  const child = spawn(ffmpegPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new Error(`ffmpeg could not make ${name}: ${stderr.trim()}`);
  return path;
}

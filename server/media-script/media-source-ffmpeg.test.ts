/** Unit tests of ffmpeg's command line for a play step. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ffmpegArguments } from './media-source-ffmpeg.ts';

describe('ffmpegArguments', () => {
  test('the test pattern: generated in real time, raw I420 on stdout and 48 kHz mono PCM on pipe 3', () => {
    const args = ffmpegArguments({ kind: 'test-pattern', seconds: 7 }).join(' ');
    assert.match(args, /-re -f lavfi -i testsrc2=size=640x360:rate=25:duration=7/);
    assert.match(args, /sine=frequency=440:beep_factor=2:sample_rate=48000:duration=7/);
    assert.match(args, /-map 0:v -f rawvideo -pix_fmt yuv420p pipe:1/);
    assert.match(args, /-map 1:a -f s16le -ar 48000 -ac 1 pipe:3/);
    assert.doesNotMatch(args, /libvpx|libopus|rtp:/, 'rtc-node encodes, not ffmpeg');
  });

  test('a file: only the kinds of stream it has, limited to its seconds, fitted to 640x360', () => {
    const audioOnly = ffmpegArguments({
      kind: 'file',
      path: '/media/a.ogg',
      seconds: 3,
      video: false,
      audio: true,
    });
    assert.deepEqual(audioOnly.slice(audioOnly.indexOf('-re'), audioOnly.indexOf('-re') + 5), [
      '-re',
      '-t',
      '3',
      '-i',
      '/media/a.ogg',
    ]);
    assert.equal(audioOnly.includes('pipe:1'), false);
    assert.equal(audioOnly.includes('pipe:3'), true);
    const whole = ffmpegArguments({
      kind: 'file',
      path: '/media/v.webm',
      video: true,
      audio: true,
    });
    assert.equal(whole.includes('-t'), false);
    assert.equal(whole.includes('pipe:1'), true);
    assert.match(whole.join(' '), /scale=640:360:force_original_aspect_ratio=decrease,pad=640:360/);
  });

  test('music on hold: a file looped until stopped; the built-in tone, audio only, endless', () => {
    const looped = ffmpegArguments({
      kind: 'file',
      path: '/media/music.mp3',
      video: false,
      audio: true,
      loop: true,
    });
    assert.match(looped.join(' '), /-re -stream_loop -1 -i \/media\/music\.mp3 -map 0:a:0/);
    assert.equal(looped.includes('pipe:1'), false);
    const tone = ffmpegArguments({ kind: 'hold-tone' }).join(' ');
    assert.match(tone, /-re -f lavfi -i aevalsrc=.*523\.25,659\.25.*:sample_rate=48000/);
    assert.doesNotMatch(tone, /duration|pipe:1/, 'no end, no video');
    assert.match(tone, /-map 0:a -f s16le -ar 48000 -ac 1 pipe:3$/);
  });
});

/** Unit tests of the RTP rewriting between encoder runs, and of ffmpeg's command line. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ffmpegArguments } from './media-source-ffmpeg.ts';
import { isRtcp, RtpContinuity } from './rtp-continuity.ts';

function rtp(sequence: number, timestamp: number): Buffer {
  const packet = Buffer.alloc(20);
  packet[0] = 0x80;
  packet[1] = 96;
  packet.writeUInt16BE(sequence, 2);
  packet.writeUInt32BE(timestamp, 4);
  return packet;
}

const header = (packet: Buffer | undefined) => ({
  sequence: packet!.readUInt16BE(2),
  timestamp: packet!.readUInt32BE(4),
});

describe('RtpContinuity', () => {
  test('the first run passes unchanged; the next run follows on from it, across wrap-around', () => {
    let now = 1_000;
    const continuity = new RtpContinuity(90_000, () => now);
    const first = {};
    assert.deepEqual(header(continuity.rewrite(rtp(65_534, 4_294_960_000), first)), {
      sequence: 65_534,
      timestamp: 4_294_960_000,
    });
    assert.deepEqual(header(continuity.rewrite(rtp(65_535, 4_294_963_000), first)), {
      sequence: 65_535,
      timestamp: 4_294_963_000,
    });
    now += 500; // half a second between the runs: 45 000 ticks at 90 kHz
    const second = {};
    assert.deepEqual(header(continuity.rewrite(rtp(1_234, 777), second)), {
      sequence: 0,
      timestamp: (4_294_963_000 + 45_000) % 2 ** 32,
    });
    assert.deepEqual(header(continuity.rewrite(rtp(1_235, 777 + 3_000), second)), {
      sequence: 1,
      timestamp: (4_294_963_000 + 45_000 + 3_000) % 2 ** 32,
    });
  });

  test('refuses what is not RTP; recognises RTCP sharing the port', () => {
    const continuity = new RtpContinuity(48_000);
    assert.equal(continuity.rewrite(Buffer.alloc(8), {}), undefined);
    assert.equal(continuity.rewrite(Buffer.from('hello, not rtp at all'), {}), undefined);
    const senderReport = Buffer.from([0x80, 200, 0, 6]);
    assert.equal(isRtcp(senderReport), true);
    assert.equal(isRtcp(rtp(1, 1)), false);
  });
});

describe('ffmpegArguments', () => {
  test('the test pattern: real time, VP8 with a keyframe a second, Opus, RTP to the given ports', () => {
    const args = ffmpegArguments(
      { kind: 'test-pattern', seconds: 7 },
      { video: 5000, audio: 5002 },
    ).join(' ');
    assert.match(args, /-re -f lavfi -i testsrc2=size=640x360:rate=25:duration=7/);
    assert.match(args, /sine=frequency=440:beep_factor=2:sample_rate=48000:duration=7/);
    assert.match(args, /-c:v libvpx -deadline realtime -cpu-used 8 -g 25 -keyint_min 25/);
    assert.match(args, /-c:a libopus/);
    assert.match(args, /rtp:\/\/127\.0\.0\.1:5000\?rtcpport=5000&pkt_size=1200/);
    assert.match(args, /rtp:\/\/127\.0\.0\.1:5002\?rtcpport=5002/);
  });

  test('a file: only the kinds of stream it has, limited to its seconds', () => {
    const audioOnly = ffmpegArguments(
      { kind: 'file', path: '/media/a.ogg', seconds: 3, video: false, audio: true },
      { video: 1, audio: 2 },
    );
    assert.deepEqual(audioOnly.slice(audioOnly.indexOf('-re'), audioOnly.indexOf('-re') + 5), [
      '-re',
      '-t',
      '3',
      '-i',
      '/media/a.ogg',
    ]);
    assert.equal(audioOnly.includes('libvpx'), false);
    assert.equal(audioOnly.includes('libopus'), true);
    const whole = ffmpegArguments(
      { kind: 'file', path: '/media/v.webm', video: true, audio: true },
      { video: 1, audio: 2 },
    );
    assert.equal(whole.includes('-t'), false);
    assert.equal(whole.includes('libvpx'), true);
  });
});

/**
 * Which tones a phone heard, for tests that must tell one sound from another (a greeting, music
 * on hold, an agent's voice): the recording is cut into 40 ms frames and each loud frame's pitch
 * is read from its zero crossings (with hysteresis, so G.711's quantisation noise does not count).
 * Good for the pure tones tests play; not a general pitch detector.
 */
import { SAMPLE_RATE } from './rtp-session.ts';

const FRAME_SAMPLES = (SAMPLE_RATE * 40) / 1000;
/** Quieter frames are silence or noise: no pitch. */
const LOUD_RMS = 1_000;
const HYSTERESIS = 300;

/** The pitch (Hz) of each loud 40 ms frame of `samples`, in order. */
export function toneFrequencies(samples: Int16Array, sampleRate = SAMPLE_RATE): number[] {
  const pitches: number[] = [];
  for (let start = 0; start + FRAME_SAMPLES <= samples.length; start += FRAME_SAMPLES) {
    const frame = samples.subarray(start, start + FRAME_SAMPLES);
    let sum = 0;
    for (const sample of frame) sum += sample * sample;
    if (Math.sqrt(sum / frame.length) < LOUD_RMS) continue;
    let sign = 0;
    let first = -1;
    let last = -1;
    let crossings = 0;
    frame.forEach((sample, index) => {
      const now = sample > HYSTERESIS ? 1 : sample < -HYSTERESIS ? -1 : sign;
      if (sign !== 0 && now !== sign) {
        crossings++;
        if (first < 0) first = index;
        last = index;
      }
      sign = now;
    });
    if (crossings >= 3) pitches.push(((crossings - 1) / 2) * (sampleRate / (last - first)));
  }
  return pitches;
}

/** How many loud frames of `samples` are within `toleranceHz` of `hz`. */
export function framesAt(samples: Int16Array, hz: number, toleranceHz = 25): number {
  return toneFrequencies(samples).filter((pitch) => Math.abs(pitch - hz) <= toleranceHz).length;
}

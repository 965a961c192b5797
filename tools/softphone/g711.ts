/**
 * G.711 μ-law (PCMU), the codec every phone and carrier speaks: 8 kHz, one byte per sample.
 * Encoding follows ITU-T G.711 (bias 0x84, 14-bit magnitude, inverted bits).
 */
const BIAS = 0x84;
const CLIP = 32635;

export function encodeMuLaw(sample: number): number {
  let value = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = value < 0 ? 0x80 : 0;
  if (value < 0) value = -value;
  if (value > CLIP) value = CLIP;
  value += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (value & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (value >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

export function decodeMuLaw(byte: number): number {
  const value = ~byte & 0xff;
  const sign = value & 0x80;
  const exponent = (value >> 4) & 0x07;
  const mantissa = value & 0x0f;
  const magnitude = (((mantissa << 3) + BIAS) << exponent) - BIAS;
  return sign ? -magnitude : magnitude;
}

/** 16-bit samples → μ-law bytes. */
export function encodePcmu(samples: Int16Array): Buffer {
  const out = Buffer.alloc(samples.length);
  for (let index = 0; index < samples.length; index++) out[index] = encodeMuLaw(samples[index]);
  return out;
}

/** μ-law bytes → 16-bit samples. */
export function decodePcmu(payload: Uint8Array): Int16Array {
  const out = new Int16Array(payload.length);
  for (let index = 0; index < payload.length; index++) out[index] = decodeMuLaw(payload[index]);
  return out;
}

/** Root mean square of 16-bit samples, 0…32768: how loud a packet is. */
export function rms(samples: Int16Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return Math.sqrt(sum / samples.length);
}

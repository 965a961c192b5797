import { Injectable, OnDestroy } from '@angular/core';

/** Seconds from the start of one ring burst to the next. */
const CYCLE_SECONDS = 3;

/**
 * A ringtone synthesised with WebAudio (two-tone bursts, no audio file to download). Browsers
 * only let a page make sound after a user gesture, so `unlock()` is called from the
 * "Come online" click: from then on the ringtone can start by itself.
 */
@Injectable({ providedIn: 'root' })
export class Ringtone implements OnDestroy {
  private context: AudioContext | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private output: GainNode | null = null;

  get unlocked(): boolean {
    return this.context?.state === 'running';
  }

  /** Must run inside a user gesture (a click, a key press). */
  unlock(): void {
    if (typeof AudioContext === 'undefined') return;
    this.context ??= new AudioContext();
    if (this.context.state === 'suspended') {
      this.context
        .resume()
        .catch((error: unknown) => console.warn('[ringtone] audio stays locked', error));
    }
  }

  start(): void {
    if (this.timer !== null) return;
    this.ringOnce();
    this.timer = setInterval(() => this.ringOnce(), CYCLE_SECONDS * 1000);
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.output?.disconnect();
    this.output = null;
  }

  ngOnDestroy(): void {
    this.stop();
    this.context?.close().catch(() => undefined);
  }

  /** One "ring-ring": two 0.4 s bursts of 440 + 480 Hz, the classic North-American ring. */
  private ringOnce(): void {
    const context = this.context;
    if (!context || context.state !== 'running') return;
    const start = context.currentTime + 0.02;
    const gain = context.createGain();
    gain.gain.setValueAtTime(0, start);
    for (const burst of [0, 0.6]) {
      gain.gain.linearRampToValueAtTime(0.12, start + burst + 0.02);
      gain.gain.setValueAtTime(0.12, start + burst + 0.38);
      gain.gain.linearRampToValueAtTime(0, start + burst + 0.4);
    }
    gain.connect(context.destination);
    for (const frequency of [440, 480]) {
      const oscillator = context.createOscillator();
      oscillator.frequency.value = frequency;
      oscillator.connect(gain);
      oscillator.start(start);
      oscillator.stop(start + 1.05);
    }
    this.output?.disconnect();
    this.output = gain;
  }
}

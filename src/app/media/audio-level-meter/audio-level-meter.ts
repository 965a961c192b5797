import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  effect,
  inject,
  input,
  signal,
} from '@angular/core';

/** How often the level is read; a meter needs no more than ~10 updates a second. */
const SAMPLE_INTERVAL_MS = 100;

/**
 * How loud a stream's audio is right now, from a WebAudio AnalyserNode. Shown for audio-only
 * calls instead of video, so the agent can see that the caller's sound arrives.
 */
@Component({
  selector: 'app-audio-level-meter',
  templateUrl: './audio-level-meter.html',
  styleUrl: './audio-level-meter.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    role: 'meter',
    'aria-valuemin': '0',
    'aria-valuemax': '100',
    '[attr.aria-valuenow]': 'percent()',
    '[attr.aria-label]': 'label()',
  },
})
export class AudioLevelMeter {
  readonly stream = input<MediaStream | null>(null);
  readonly label = input('Audio level');

  /** 0 (silence) to 1 (full scale). */
  protected readonly level = signal(0);
  protected readonly percent = computed(() => Math.round(this.level() * 100));

  constructor() {
    let stop = () => {};
    effect(() => {
      stop();
      stop = this.analyse(this.stream());
    });
    inject(DestroyRef).onDestroy(() => stop());
  }

  /** Starts reading the stream's level; returns the way to stop. */
  private analyse(stream: MediaStream | null): () => void {
    this.level.set(0);
    if (!stream || stream.getAudioTracks().length === 0 || typeof AudioContext === 'undefined')
      return () => {};
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    analyser.fftSize = 512;
    const source = context.createMediaStreamSource(stream);
    source.connect(analyser);
    void context.resume().catch(() => undefined);
    const samples = new Float32Array(analyser.fftSize);
    const timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      const rms = Math.sqrt(sum / samples.length);
      // Speech sits around 0.02–0.3 RMS: a square root spreads that over the bar.
      this.level.set(Math.min(1, Math.sqrt(rms * 3)));
    }, SAMPLE_INTERVAL_MS);
    return () => {
      clearInterval(timer);
      source.disconnect();
      void context.close().catch(() => undefined);
    };
  }
}

import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { WaitingSample } from '../../../../protocol/supervisor-protocol';

const HOUR_MS = 60 * 60_000;

/**
 * Calls waiting over the last hour as a small SVG line: x is time (an hour ending now), y the
 * most calls waiting in each minute. Minutes without a sample hold the previous value. Labelled
 * as a chart: a caption saying what it plots, the y axis from 0 to the hour's peak, the x axis
 * from 60 minutes ago to now.
 */
@Component({
  selector: 'app-waiting-sparkline',
  templateUrl: './waiting-sparkline.html',
  styleUrl: './waiting-sparkline.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'waiting-sparkline' },
})
export class WaitingSparkline {
  readonly samples = input.required<WaitingSample[]>();
  readonly now = input.required<number>();
  readonly width = input(160);
  readonly height = input(32);

  private readonly recentSamples = computed(() => {
    const start = this.now() - HOUR_MS;
    return this.samples().filter((sample) => sample.at >= start);
  });

  protected readonly peak = computed(() =>
    Math.max(0, ...this.recentSamples().map((sample) => sample.waiting)),
  );

  protected readonly points = computed(() => {
    const width = this.width();
    const height = this.height();
    const start = this.now() - HOUR_MS;
    const top = Math.max(1, this.peak());
    const x = (at: number) => (Math.max(0, at - start) / HOUR_MS) * width;
    const y = (waiting: number) => height - (waiting / top) * (height - 2) - 1;
    const samples = this.recentSamples();
    if (samples.length === 0) return `0,${y(0)} ${width},${y(0)}`;
    const points: string[] = [`0,${y(0)}`];
    let previous = 0;
    for (const sample of samples) {
      // A step: the previous value holds until this minute.
      points.push(`${x(sample.at).toFixed(1)},${y(previous).toFixed(1)}`);
      points.push(`${x(sample.at).toFixed(1)},${y(sample.waiting).toFixed(1)}`);
      previous = sample.waiting;
    }
    points.push(`${width},${y(previous).toFixed(1)}`);
    return points.join(' ');
  });

  protected readonly label = computed(
    () => `Calls waiting over the last hour, at most ${this.peak()}`,
  );
}

import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { formatDuration } from '../call-outcome';

/**
 * How long the caller has been waiting on hold ("1:05"), with the label the panel gives it when
 * its status line does not already say "On hold" (while consulting: "On hold 1:05"). The
 * seconds come from the store's clock, so the timer ticks with the talk timer.
 */
@Component({
  selector: 'app-hold-badge',
  template: `<span class="label"><ng-content /></span>
    <span class="timer" [attr.aria-label]="'On hold for ' + seconds() + ' seconds'">{{
      time()
    }}</span>`,
  styleUrl: './hold-badge.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { role: 'status' },
})
export class HoldBadge {
  /** Seconds since the hold began. */
  readonly seconds = input.required<number>();

  protected readonly time = computed(() => formatDuration(this.seconds()));
}

import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { formatDuration } from '../call-outcome';

/**
 * "On hold 1:05": shows the agent the caller is waiting, and for how long. The seconds come from
 * the store's clock, so the timer ticks with the talk timer.
 */
@Component({
  selector: 'app-hold-badge',
  template: `<span class="label">On hold</span>
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

import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { MatCardModule } from '@angular/material/card';
import type { SupervisorGroup } from '../../../../protocol/supervisor-protocol';
import { formatElapsed, formatPercent } from '../elapsed';
import { WaitingSparkline } from '../waiting-sparkline/waiting-sparkline';

/** One ring group's figures: waiting now, today and the last 15 minutes, and the hour's chart. */
@Component({
  selector: 'app-group-card',
  imports: [MatCardModule, WaitingSparkline],
  templateUrl: './group-card.html',
  styleUrl: './group-card.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class GroupCard {
  readonly group = input.required<SupervisorGroup>();
  readonly now = input.required<number>();

  protected readonly longestWait = computed(() => {
    const since = this.group().longestWaitingSince;
    return since === null ? '—' : formatElapsed(this.now() - since);
  });
  protected readonly windows = computed(() => [
    { label: 'Today', figures: this.group().today },
    { label: 'Last 15 min', figures: this.group().last15Minutes },
  ]);
  protected readonly percent = formatPercent;
  /** "SL 85 % (20 s)": the share answered within this group's own threshold. */
  /** How the group offers calls, in the admin console's words. */
  protected strategyLabel(strategy: string): string {
    return (
      (
        {
          'ring-all': 'Rings all',
          'longest-idle': 'Longest idle first',
          'round-robin': 'Round robin',
          sequential: 'Sequential',
        } as Record<string, string>
      )[strategy] ?? strategy
    );
  }

  protected serviceLevelLabel(ratio: number | null): string {
    return `SL ${formatPercent(ratio)} (${this.group().serviceLevelSeconds} s)`;
  }
  protected averageWait(ms: number | null): string {
    return ms === null ? '—' : formatElapsed(ms);
  }
}

import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { Store } from '@ngrx/store';
import { formatDuration } from '../../calls/call-outcome';
import { callsFeature } from '../../calls/calls.feature';
import { sessionFeature } from '../../session/session.feature';

export interface QueueRow {
  groupId: string;
  groupName: string;
  waiting: number;
  /** "1:05" since the longest-waiting caller arrived; null when nobody waits. */
  longestWait: string | null;
  longestWaitSeconds: number | null;
  /** The group's other members who can take a call now. */
  available: string[];
}

/**
 * The agent's ring groups' queues, live: how many callers wait, the longest wait, who else is
 * available. Shown whatever the agent's own presence (busy, away, in wrap-up), so they know
 * when the floor needs them. The server pushes every change; the wait ticks with the store's
 * clock.
 */
@Component({
  selector: 'app-queue-view',
  templateUrl: './queue-view.html',
  styleUrl: './queue-view.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class QueueView {
  private readonly store = inject(Store);
  private readonly queues = this.store.selectSignal(sessionFeature.selectQueues);
  private readonly now = this.store.selectSignal(callsFeature.selectNow);

  protected readonly rows = computed<QueueRow[]>(() =>
    this.queues().map((queue) => {
      // The store's clock starts at the first tick; until then the wait reads from zero.
      const since = queue.longestWaitingSince;
      const seconds = since === null ? null : Math.max(0, (this.now() - since) / 1000);
      return {
        groupId: queue.group.id,
        groupName: queue.group.name,
        waiting: queue.waiting,
        longestWait: seconds === null ? null : formatDuration(seconds),
        longestWaitSeconds: seconds === null ? null : Math.floor(seconds),
        available: queue.available.map((agent) => agent.name),
      };
    }),
  );
}

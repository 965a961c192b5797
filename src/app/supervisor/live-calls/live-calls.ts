import { ScrollingModule } from '@angular/cdk/scrolling';
import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import type { SupervisorCall } from '../../../../protocol/supervisor-protocol';
import { formatElapsed } from '../elapsed';

const statusLabels: Record<SupervisorCall['status'], string> = {
  queued: 'Queued',
  ringing: 'Ringing',
  connected: 'Connected',
  held: 'On hold',
  transferring: 'Transferring',
};

/**
 * Every live call in a virtual-scrolled list (thousands stay smooth: only visible rows exist),
 * ticking from the page's one clock. The longest-waiting call is marked.
 */
@Component({
  selector: 'app-live-calls',
  imports: [ScrollingModule, MatButtonModule],
  templateUrl: './live-calls.html',
  styleUrl: './live-calls.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LiveCalls {
  readonly calls = input.required<SupervisorCall[]>();
  readonly now = input.required<number>();
  readonly longestWaitingCallId = input<string | null>(null);
  readonly monitoredCallId = input<string | null>(null);
  readonly monitorRequested = output<string>();

  protected readonly rowHeight = 48;
  protected readonly statusLabels = statusLabels;

  protected elapsed(call: SupervisorCall): string {
    return formatElapsed(this.now() - (call.answeredAt ?? call.createdAt));
  }

  protected agents(call: SupervisorCall): string {
    if (call.answeredBy) return call.answeredBy.name;
    return call.rungAgents.map((agent) => agent.name).join(', ') || '—';
  }

  protected monitor(callId: string): void {
    this.monitorRequested.emit(callId);
  }

  protected readonly trackById = (_index: number, call: SupervisorCall) => call.id;
}

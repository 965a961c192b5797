import { ScrollingModule } from '@angular/cdk/scrolling';
import { ChangeDetectionStrategy, Component, input, output, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import type { SupervisorAgent } from '../../../../protocol/supervisor-protocol';
import { formatElapsed } from '../elapsed';
import { narrowScreen } from '../narrow-screen';

const presenceLabels: Record<SupervisorAgent['presence'], string> = {
  available: 'Available',
  busy: 'On call',
  'wrap-up': 'Wrap-up',
  away: 'Away',
  offline: 'Offline',
};

/**
 * Every agent: presence and time in it, the current call, today's counts, and Force away (with
 * a confirmation for an agent on a call).
 */
@Component({
  selector: 'app-agent-list',
  imports: [ScrollingModule, MatButtonModule],
  templateUrl: './agent-list.html',
  styleUrl: './agent-list.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AgentList {
  readonly agents = input.required<SupervisorAgent[]>();
  readonly now = input.required<number>();
  readonly pendingAgentIds = input<string[]>([]);
  readonly forceAwayRequested = output<string>();

  protected readonly presenceLabels = presenceLabels;
  protected readonly narrow = narrowScreen();
  /** The on-call agent whose Force away waits for a second click. */
  protected readonly confirmingAgentId = signal<string | null>(null);

  protected timeInState(agent: SupervisorAgent): string {
    return agent.presenceSince === null ? '—' : formatElapsed(this.now() - agent.presenceSince);
  }

  protected canForceAway(agent: SupervisorAgent): boolean {
    return (
      agent.presence !== 'away' &&
      agent.presence !== 'offline' &&
      !this.pendingAgentIds().includes(agent.id)
    );
  }

  /** An agent on a call is forced away only after a confirmation in their row. */
  protected forceAway(agent: SupervisorAgent): void {
    if (agent.currentCallId && this.confirmingAgentId() !== agent.id) {
      this.confirmingAgentId.set(agent.id);
      return;
    }
    this.confirmingAgentId.set(null);
    this.forceAwayRequested.emit(agent.id);
  }

  protected keepAgent(): void {
    this.confirmingAgentId.set(null);
  }

  protected readonly trackById = (_index: number, agent: SupervisorAgent) => agent.id;
}

import { ScrollingModule } from '@angular/cdk/scrolling';
import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import type { SupervisorAgent } from '../../../../protocol/supervisor-protocol';
import { formatElapsed } from '../elapsed';

const presenceLabels: Record<SupervisorAgent['presence'], string> = {
  available: 'Available',
  busy: 'On call',
  'wrap-up': 'Wrap-up',
  away: 'Away',
  offline: 'Offline',
};

/** Every agent: presence and time in it, the current call, today's counts, and Force away. */
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

  protected forceAway(userId: string): void {
    this.forceAwayRequested.emit(userId);
  }

  protected readonly trackById = (_index: number, agent: SupervisorAgent) => agent.id;
}

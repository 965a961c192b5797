import { CdkVirtualScrollViewport, ScrollingModule } from '@angular/cdk/scrolling';
import {
  afterRenderEffect,
  ChangeDetectionStrategy,
  Component,
  computed,
  input,
  output,
  signal,
  viewChild,
} from '@angular/core';
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
 * Every agent: presence and time in it, the current call, today's counts and talk, hold and
 * handle times, and Force away (with a confirmation for an agent on a call).
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

  /** Tall enough for every row up to ten (no empty space under a short list), then it scrolls. */
  protected readonly viewportHeight = computed(
    () => Math.min(Math.max(this.agents().length, 1), 10) * (this.narrow() ? 152 : 44),
  );
  private readonly viewport = viewChild(CdkVirtualScrollViewport);

  constructor() {
    // The viewport measures itself once; told again whenever its height follows the rows.
    afterRenderEffect(() => {
      this.viewportHeight();
      this.viewport()?.checkViewportSize();
    });
  }

  /** Today's talk: the finished calls from the records, plus the call in progress without its hold. */
  protected talk(agent: SupervisorAgent): string {
    const part = agent.currentCall;
    const live = part ? this.now() - part.since - part.heldMs - this.holding(agent) : 0;
    return formatElapsed(agent.talkMsToday + Math.max(0, live));
  }

  protected hold(agent: SupervisorAgent): string {
    const live = agent.currentCall ? agent.currentCall.heldMs + this.holding(agent) : 0;
    return formatElapsed(agent.holdMsToday + live);
  }

  protected handle(agent: SupervisorAgent): string {
    return agent.averageHandleMsToday === null ? '—' : formatElapsed(agent.averageHandleMsToday);
  }

  /** How long the caller of the agent's current call has been on hold (0: not held). */
  private holding(agent: SupervisorAgent): number {
    const since = agent.currentCall?.heldSince ?? null;
    return since === null ? 0 : Math.max(0, this.now() - since);
  }

  protected timeInState(agent: SupervisorAgent): string {
    return agent.presenceSince === null ? '—' : formatElapsed(this.now() - agent.presenceSince);
  }

  /** Away or offline there is nothing to force (a request in flight disables the button). */
  protected canForceAway(agent: SupervisorAgent): boolean {
    return agent.presence !== 'away' && agent.presence !== 'offline';
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

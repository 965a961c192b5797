import { CdkVirtualScrollViewport, ScrollingModule } from '@angular/cdk/scrolling';
import {
  afterRenderEffect,
  ChangeDetectionStrategy,
  Component,
  computed,
  input,
  output,
  viewChild,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatMenuModule } from '@angular/material/menu';
import type {
  MonitorMode,
  SupervisorAgent,
  SupervisorCall,
} from '../../../../protocol/supervisor-protocol';
import { formatElapsed } from '../elapsed';
import { narrowScreen } from '../narrow-screen';

const statusLabels: Record<SupervisorCall['status'], string> = {
  queued: 'Queued',
  ringing: 'Ringing',
  connected: 'Connected',
  held: 'On hold',
  transferring: 'Transferring',
};

export const callStatusLabels = statusLabels;

/** Why a queued call rings nobody, as the supervisor reads it. */
const waitingReasons: Record<NonNullable<SupervisorCall['waitingReason']>, string> = {
  'nobody-available': 'nobody available',
  'nobody-with-skill': 'nobody with the skill',
  closed: 'closed: hearing the closed message',
};

/** Statuses a call can be pulled to an agent in. */
const assignable = new Set<SupervisorCall['status']>(['queued', 'ringing']);

/**
 * Every live call in a virtual-scrolled list (thousands stay smooth: only visible rows exist),
 * ticking from the page's one clock. The longest-waiting call is marked. Connected calls can be
 * monitored, whispered to or barged into; waiting ones assigned to an available agent.
 */
@Component({
  selector: 'app-live-calls',
  imports: [ScrollingModule, MatButtonModule, MatMenuModule],
  templateUrl: './live-calls.html',
  styleUrl: './live-calls.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LiveCalls {
  readonly calls = input.required<SupervisorCall[]>();
  readonly now = input.required<number>();
  readonly longestWaitingCallId = input<string | null>(null);
  readonly monitoredCallId = input<string | null>(null);
  /** How the supervisor is in `monitoredCallId`. */
  readonly monitorMode = input<MonitorMode | null>(null);
  readonly availableAgents = input<SupervisorAgent[]>([]);
  readonly pendingAssignCallIds = input<string[]>([]);
  readonly monitorRequested = output<string>();
  readonly whisperRequested = output<string>();
  readonly bargeRequested = output<string>();
  readonly assignRequested = output<{ callId: string; userId: string }>();

  protected readonly rowHeight = 48;
  /** On a phone a row is a small card: caller; group, status, time; agents; actions. */
  protected readonly narrowRowHeight = 152;
  /**
   * As tall as the rows up to ten, then it scrolls: a fixed height left an empty band under a
   * short list (and none at all when there are no calls, the "No live calls." line says so).
   */
  protected readonly viewportHeight = computed(
    () =>
      Math.min(this.calls().length, 10) * (this.narrow() ? this.narrowRowHeight : this.rowHeight),
  );
  private readonly viewport = viewChild(CdkVirtualScrollViewport);

  constructor() {
    // The viewport measures itself once; told again whenever its height follows the rows.
    afterRenderEffect(() => {
      this.viewportHeight();
      this.viewport()?.checkViewportSize();
    });
  }
  protected readonly narrow = narrowScreen();
  protected readonly statusLabels = statusLabels;
  protected readonly waitingReasons = waitingReasons;

  protected elapsed(call: SupervisorCall): string {
    return formatElapsed(this.now() - (call.answeredAt ?? call.createdAt));
  }

  protected agents(call: SupervisorCall): string {
    if (call.answeredBy) return call.answeredBy.name;
    return call.rungAgents.map((agent) => agent.name).join(', ') || '—';
  }

  /** The ways into a connected call, one button each; the label names the caller for screen readers. */
  protected readonly listenModes: readonly { mode: MonitorMode; text: string; label: string }[] = [
    { mode: 'monitor', text: 'Monitor', label: 'Monitor ' },
    { mode: 'whisper', text: 'Whisper', label: 'Whisper to the agent of ' },
    { mode: 'barge', text: 'Barge', label: 'Barge into ' },
  ];

  protected listenIn(callId: string, mode: MonitorMode): void {
    const requested = {
      monitor: this.monitorRequested,
      whisper: this.whisperRequested,
      barge: this.bargeRequested,
    };
    requested[mode].emit(callId);
  }

  protected assign(callId: string, userId: string): void {
    this.assignRequested.emit({ callId, userId });
  }

  protected isAssignable(call: SupervisorCall): boolean {
    return assignable.has(call.status);
  }

  /** Whether the supervisor is already in this call in this mode (the button is then moot). */
  protected isCurrent(call: SupervisorCall, mode: MonitorMode): boolean {
    return this.monitoredCallId() === call.id && this.monitorMode() === mode;
  }

  protected readonly trackById = (_index: number, call: SupervisorCall) => call.id;
}

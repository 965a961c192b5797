import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  effect,
  inject,
  signal,
} from '@angular/core';
import { DatePipe } from '@angular/common';
import { MatButtonModule } from '@angular/material/button';
import { Store } from '@ngrx/store';
import { authFeature } from '../../auth/auth.feature';
import { HistoryApi, type HistoryCall } from '../../history/history-api';
import { duration, outcomeLabels } from '../../history/history-labels';
import { apiErrorMessage } from '../../supervisor/supervisor-api';
import { RecentCallsActions } from '../calls.actions';
import { selectRecentCalls } from '../calls.selectors';

/** How many of the agent's latest calls the desk lists. */
export const RECENT_CALLS_SHOWN = 8;
/** Records are written just behind routing: read again a moment after a call ended here. */
const REFRESH_DELAY_MS = 700;

export interface RecentCallRow {
  callId: string;
  direction: 'inbound' | 'outbound';
  partyName: string;
  partyAddress: string;
  /** How it ended for me: "You hung up", "Caller hung up", "Missed", "Declined", ... */
  outcome: string;
  /** A ring I did not take: shown as a missed call. */
  missed: boolean;
  /** My talk time ("1:05"), or null when I did not talk on it. */
  duration: string | null;
  disposition: string | null;
  at: number;
}

/**
 * The agent's latest calls, read from the server's history (so a reload or another tab shows
 * the same list), the calls that rang them and that they missed or declined included: who, how
 * it ended for them (who hung up), how long, the disposition, and "Call back".
 */
@Component({
  selector: 'app-recent-calls',
  imports: [DatePipe, MatButtonModule],
  templateUrl: './recent-calls.html',
  styleUrl: './recent-calls.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RecentCalls {
  private readonly store = inject(Store);
  private readonly history = inject(HistoryApi);
  private readonly user = this.store.selectSignal(authFeature.selectUser);
  /** Calls that ended in this tab: each one is a reason to read the list again. */
  private readonly endedHere = this.store.selectSignal(selectRecentCalls);
  private readonly calls = signal<HistoryCall[] | null>(null);

  protected readonly error = signal<string | null>(null);
  protected readonly rows = computed(() =>
    (this.calls() ?? []).map((call) => rowOf(call, this.user() ?? null)),
  );
  protected readonly loaded = computed(() => this.calls() !== null);

  constructor() {
    let timer: ReturnType<typeof setTimeout> | undefined;
    inject(DestroyRef).onDestroy(() => clearTimeout(timer));
    effect(() => {
      const endedCount = this.endedHere().length;
      if (!this.user()) return;
      clearTimeout(timer);
      timer = setTimeout(() => this.load(), endedCount === 0 ? 0 : REFRESH_DELAY_MS);
    });
  }

  protected callBack(address: string): void {
    this.store.dispatch(RecentCallsActions.callBackClicked({ address }));
  }

  private load(): void {
    const user = this.user();
    if (!user) return;
    // Always the signed-in person's own calls: without agentId a supervisor's history is the
    // whole tenant's (that belongs to the History page, not the desk).
    this.history.search({ agentId: user.id, rung: true, limit: RECENT_CALLS_SHOWN }).subscribe({
      next: ({ calls }) => {
        this.calls.set(calls);
        this.error.set(null);
      },
      error: (error: unknown) =>
        this.error.set(`Could not load your recent calls: ${apiErrorMessage(error)}`),
    });
  }
}

export function rowOf(
  call: HistoryCall,
  me: { id: string; address: string } | null,
): RecentCallRow {
  const outbound = me !== null && call.from.address === me.address;
  const party = outbound ? call.to : call.from;
  const wrapUp = call.wrapUps[0];
  const missed = call.agentOutcome === 'missed' || call.agentOutcome === 'declined';
  return {
    callId: call.id,
    direction: outbound ? 'outbound' : 'inbound',
    partyName: party.name,
    partyAddress: party.address,
    outcome: endingFor(call, me?.id ?? null, party.name) ?? fallbackOutcome(call, outbound),
    missed,
    duration:
      !missed && call.talkMs !== null && call.answeredAt !== null ? duration(call.talkMs) : null,
    disposition: wrapUp?.dispositionLabel ?? null,
    at: call.endedAt ?? call.createdAt,
  };
}

/**
 * How the call ended, told to me: a ring I did not take, a call I handed on, or who hung up.
 * Null when the record does not say (a live call, or one recorded before who ended it was kept).
 */
function endingFor(call: HistoryCall, myId: string | null, partyName: string): string | null {
  if (call.agentOutcome === 'missed') return 'Missed';
  if (call.agentOutcome === 'declined') return 'Declined';
  if (call.agentOutcome === 'transferred') return 'Transferred';
  const endedBy = call.endedBy;
  if (!endedBy) return null;
  if (endedBy.user && endedBy.user.id === myId) return 'You hung up';
  switch (endedBy.kind) {
    case 'caller':
      return call.answeredAt === null ? null : 'Caller hung up';
    case 'callee':
      return `${partyName} hung up`;
    case 'agent':
      return call.answeredAt === null ? null : `${endedBy.user?.name || 'The agent'} hung up`;
    case 'supervisor':
      return `Ended by ${endedBy.user?.name || 'a supervisor'}`;
    case 'system':
      return null;
  }
}

function fallbackOutcome(call: HistoryCall, outbound: boolean): string {
  return call.outcome === 'answered' && call.answeredBy && outbound
    ? `Answered by ${call.answeredBy.name}`
    : outcomeLabels[call.outcome];
}

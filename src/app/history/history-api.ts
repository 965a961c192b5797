import { HttpClient, HttpErrorResponse } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { Observable } from 'rxjs';
import { TokenStorage } from '../auth/token-storage';

/** How a call ended for the caller (server/reports/history-schemas.ts). */
export type CallOutcome = 'answered' | 'abandoned' | 'declined' | 'unanswered' | 'failed' | 'live';

export interface PersonRef {
  id: string;
  name: string;
}

export interface WrapUpSummary {
  user: PersonRef;
  dispositionCode: string | null;
  dispositionLabel: string | null;
  note: string;
  startedAt: number;
  endedAt: number | null;
}

/** Who ended a call (server/calls/call-schemas.ts `EndedBy`); null while live, or recorded before. */
export interface EndedBy {
  kind: 'caller' | 'callee' | 'agent' | 'supervisor' | 'system';
  user: PersonRef | null;
}

/** How the call went for the agent searched for (server/reports/history-schemas.ts). */
export type AgentOutcome = 'placed' | 'answered' | 'transferred' | 'declined' | 'missed';

export interface HistoryCall {
  id: string;
  origin: 'session' | 'api' | 'phone';
  from: { name: string; address: string };
  to: { name: string; address: string };
  ringGroup: PersonRef | null;
  outcome: CallOutcome;
  endReason: string | null;
  endedBy: EndedBy | null;
  /** Only when the search named an agent (agentId, or an agent's own history). */
  agentOutcome?: AgentOutcome;
  answeredBy: PersonRef | null;
  createdAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  queueWaitMs: number | null;
  talkMs: number | null;
  holdMs: number | null;
  wrapUps: WrapUpSummary[];
}

export interface HistoryResults {
  calls: HistoryCall[];
  nextCursor: string | null;
}

export interface TimelineEvent {
  type:
    | 'placed'
    | 'rung'
    | 'declined'
    | 'missed'
    | 'answered'
    | 'held'
    | 'resumed'
    | 'transferred'
    | 'ended';
  at: number;
  user: PersonRef | null;
  attempt?: number;
  endReason?: string;
}

export interface CallTimeline {
  call: HistoryCall;
  events: TimelineEvent[];
}

export interface HistorySearch {
  from?: number;
  to?: number;
  q?: string;
  outcome?: CallOutcome;
  disposition?: string;
  groupId?: string;
  agentId?: string;
  /** With agentId: also the calls that rang the agent and that they did not take. */
  rung?: boolean;
  limit?: number;
  cursor?: string;
}

export interface Disposition {
  id: string;
  code: string;
  label: string;
  active: boolean;
}

export interface WrapUpView {
  callId: string;
  dispositionCode: string | null;
  note: string;
  editableUntil: number | null;
}

/** Call history, timelines and the signed-in agent's own wrap-up, over HTTP. */
@Injectable({ providedIn: 'root' })
export class HistoryApi {
  private readonly http = inject(HttpClient);
  private readonly storage = inject(TokenStorage);

  search(search: HistorySearch): Observable<HistoryResults> {
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(search))
      if (value !== undefined && value !== '') params[key] = String(value);
    return this.http.get<HistoryResults>('/api/history', { params, headers: this.headers() });
  }

  timeline(callId: string): Observable<CallTimeline> {
    return this.http.get<CallTimeline>(`/api/history/${encodeURIComponent(callId)}`, {
      headers: this.headers(),
    });
  }

  /** The tenant's people and ring groups (for the supervisor's filters). */
  directory(): Observable<{ agents: PersonRef[]; groups: PersonRef[] }> {
    return this.http.get<{ agents: PersonRef[]; groups: PersonRef[] }>('/api/directory', {
      headers: this.headers(),
    });
  }

  dispositions(): Observable<{ dispositions: Disposition[] }> {
    return this.http.get<{ dispositions: Disposition[] }>('/api/dispositions', {
      headers: this.headers(),
    });
  }

  saveWrapUp(
    callId: string,
    body: { dispositionCode: string | null; note: string },
  ): Observable<WrapUpView> {
    return this.http.put<WrapUpView>(`/api/calls/${encodeURIComponent(callId)}/wrap-up`, body, {
      headers: this.headers(),
    });
  }

  wrapUp(callId: string): Observable<WrapUpView> {
    return this.http.get<WrapUpView>(`/api/calls/${encodeURIComponent(callId)}/wrap-up`, {
      headers: this.headers(),
    });
  }

  private headers(): Record<string, string> {
    const stored = this.storage.read();
    return stored ? { authorization: `Bearer ${stored.token}` } : {};
  }
}

export function apiErrorMessage(error: unknown): string {
  if (error instanceof HttpErrorResponse)
    return (error.error as { message?: string } | null)?.message ?? error.message;
  return error instanceof Error ? error.message : String(error);
}

import { HttpClient, HttpErrorResponse } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { Observable } from 'rxjs';
import type {
  AssignCallBody,
  MonitorCredentials,
  MonitorMode,
  MonitorRequest,
  SupervisorCall,
} from '../../../protocol/supervisor-protocol';
import { TokenStorage } from '../auth/token-storage';

/** The supervisor's HTTP actions, authenticated with this tab's token. */
@Injectable({ providedIn: 'root' })
export class SupervisorApi {
  private readonly http = inject(HttpClient);
  private readonly storage = inject(TokenStorage);

  forcePresence(userId: string, presence: 'away' | 'offline'): Observable<unknown> {
    return this.http.post(
      `/api/supervisor/agents/${encodeURIComponent(userId)}/presence`,
      { presence },
      { headers: this.headers() },
    );
  }

  /** Credentials to join a connected call's room as a monitor, a whisperer or a barger. */
  monitor(callId: string, mode: MonitorMode = 'monitor'): Observable<MonitorCredentials> {
    const body: MonitorRequest = { mode };
    return this.http.post<MonitorCredentials>(
      `/api/supervisor/calls/${encodeURIComponent(callId)}/monitor`,
      body,
      { headers: this.headers() },
    );
  }

  /** Pulls a queued or ringing call to one available agent (202 with the call). */
  assign(callId: string, userId: string): Observable<SupervisorCall> {
    const body: AssignCallBody = { userId };
    return this.http.post<SupervisorCall>(
      `/api/supervisor/calls/${encodeURIComponent(callId)}/assign`,
      body,
      { headers: this.headers() },
    );
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

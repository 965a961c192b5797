import { HttpClient, HttpErrorResponse } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { Observable } from 'rxjs';
import type { MonitorCredentials } from '../../../protocol/supervisor-protocol';
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

  monitor(callId: string): Observable<MonitorCredentials> {
    return this.http.post<MonitorCredentials>(
      `/api/supervisor/calls/${encodeURIComponent(callId)}/monitor`,
      null,
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

import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { Observable } from 'rxjs';
import { TokenStorage } from '../auth/token-storage';

export type ReportInterval = 'hour' | 'day' | 'week';
export type ReportBy = 'group' | 'agent';

/** One interval of one group or agent (server/reports/report-schemas.ts). */
export interface ReportRow {
  start: number;
  label: string;
  group: { id: string; name: string } | null;
  agent: { id: string; name: string } | null;
  offered: number;
  answered: number;
  abandoned: number;
  abandonedAfterMs: number | null;
  missed: number;
  declined: number;
  serviceLevel: number | null;
  asaMs: number | null;
  longestWaitMs: number | null;
  talkMs: number;
  holdMs: number;
  wrapUpMs: number;
  ahtMs: number | null;
  occupancy: number | null;
  dispositions: Record<string, number>;
}

export interface Report {
  timeZone: string;
  interval: ReportInterval;
  by: ReportBy;
  from: string;
  to: string;
  rows: ReportRow[];
}

export interface ReportQuery {
  from: string;
  to: string;
  interval: ReportInterval;
  by: ReportBy;
  groupId?: string;
}

@Injectable({ providedIn: 'root' })
export class ReportsApi {
  private readonly http = inject(HttpClient);
  private readonly storage = inject(TokenStorage);

  report(query: ReportQuery): Observable<Report> {
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(query)) if (value) params[key] = String(value);
    return this.http.get<Report>('/api/reports', { params, headers: this.headers() });
  }

  timeZone(): Observable<{ timeZone: string }> {
    return this.http.get<{ timeZone: string }>('/api/tenant/time-zone', {
      headers: this.headers(),
    });
  }

  /** Admins only: the IANA zone the tenant's reports cut days in. */
  setTimeZone(timeZone: string): Observable<{ timeZone: string }> {
    return this.http.put<{ timeZone: string }>(
      '/api/tenant/time-zone',
      { timeZone },
      { headers: this.headers() },
    );
  }

  groups(): Observable<{ groups: { id: string; name: string }[] }> {
    return this.http.get<{ groups: { id: string; name: string }[] }>('/api/directory', {
      headers: this.headers(),
    });
  }

  private headers(): Record<string, string> {
    const stored = this.storage.read();
    return stored ? { authorization: `Bearer ${stored.token}` } : {};
  }
}

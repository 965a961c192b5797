import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { map, type Observable } from 'rxjs';
import { TokenStorage } from '../auth/token-storage';

/** One of the tenant's dispositions (GET /api/dispositions, server/wrap-up/README.md). */
export interface Disposition {
  id: string;
  code: string;
  label: string;
  active: boolean;
  position: number;
}

/** The signed-in agent's wrap-up of one call (GET/PUT /api/calls/:callId/wrap-up). */
export interface WrapUpRecord {
  callId: string;
  userId: string;
  dispositionCode: string | null;
  note: string;
  startedAt: number | null;
  endedAt: number | null;
  updatedAt: number | null;
  editableUntil: number | null;
}

/** The wrap-up HTTP API, authenticated with this tab's token. */
@Injectable({ providedIn: 'root' })
export class WrapUpApi {
  private readonly http = inject(HttpClient);
  private readonly storage = inject(TokenStorage);

  /** The tenant's dispositions in picker order (inactive ones included, flagged). */
  dispositions(): Observable<Disposition[]> {
    return this.http
      .get<{ dispositions: Disposition[] }>('/api/dispositions', { headers: this.headers() })
      .pipe(map(({ dispositions }) => dispositions));
  }

  wrapUp(callId: string): Observable<WrapUpRecord> {
    return this.http.get<WrapUpRecord>(this.url(callId), { headers: this.headers() });
  }

  save(
    callId: string,
    body: { dispositionCode: string | null; note: string },
  ): Observable<WrapUpRecord> {
    return this.http.put<WrapUpRecord>(this.url(callId), body, { headers: this.headers() });
  }

  private url(callId: string): string {
    return `/api/calls/${encodeURIComponent(callId)}/wrap-up`;
  }

  private headers(): Record<string, string> {
    const stored = this.storage.read();
    return stored ? { authorization: `Bearer ${stored.token}` } : {};
  }
}

import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { Observable } from 'rxjs';
import { TokenStorage } from '../../auth/token-storage';
import type { Presence } from '@switchboard/telephony';

/** `GET /api/directory` (server/directory/directory-routes.ts): whom an agent can transfer to. */
export interface DirectoryListing {
  agents: DirectoryAgent[];
  groups: DirectoryGroup[];
  /** The skills the tenant's people hold: what a transfer to a group may require. */
  skills: DirectorySkill[];
}

export interface DirectorySkill {
  name: string;
  /** The highest level anyone active in the tenant holds (1–10). */
  highestLevel: number;
}

export interface DirectoryAgent {
  id: string;
  name: string;
  username: string;
  address: string;
  presence: Presence;
}

export interface DirectoryGroup {
  id: string;
  name: string;
  address: string;
  /** Members available to take a call now. */
  available: number;
  /** Members online (available, busy, away or in wrap-up): someone may take it from the queue. */
  online: number;
  /** Callers waiting in its queue now. */
  waiting: number;
}

/** Reads the tenant's directory with this tab's token (any signed-in agent may). */
@Injectable({ providedIn: 'root' })
export class DirectoryApi {
  private readonly http = inject(HttpClient);
  private readonly storage = inject(TokenStorage);

  directory(): Observable<DirectoryListing> {
    const stored = this.storage.read();
    return this.http.get<DirectoryListing>('/api/directory', {
      headers: stored ? { authorization: `Bearer ${stored.token}` } : {},
    });
  }
}

import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { Observable } from 'rxjs';
import { TokenStorage } from '../auth/token-storage';

export type RingStrategy = 'ring-all' | 'longest-idle' | 'round-robin' | 'sequential';

export interface OpeningHours {
  /** 0 Sunday … 6 Saturday */
  day: number;
  open: string;
  close: string;
}

export interface ClosedTreatment {
  action: 'end' | 'group' | 'script';
  ringGroupId?: string;
}

export interface BusinessHours {
  hours: OpeningHours[];
  holidays: string[];
  closed: ClosedTreatment;
}

/** A ring group as the ring-groups API shows it (server/ring-groups/schemas.ts). */
export interface RingGroup {
  id: string;
  name: string;
  address: string;
  members: string[];
  strategy: RingStrategy;
  ringTimeoutSeconds: number;
  maxWaitSeconds: number;
  retryIntervalSeconds: number;
  serviceLevelSeconds: number;
  overflow: { ringGroupId: string; delaySeconds: number } | null;
  businessHours: BusinessHours | null;
  wrapUpSeconds: number;
  /** A media file played once to a waiting phone caller; null: none. */
  queueGreeting: string | null;
  /** A media file or "tone", looped for waiting and held phone callers; null: ringback. */
  queueMusic: string | null;
}

/** What a create or update sends: every setting, members in ring order. */
export type RingGroupSettings = Omit<RingGroup, 'id' | 'address'>;

export type PersonRole = 'agent' | 'supervisor' | 'admin';

export interface Person {
  id: string;
  reference: string;
  name: string;
  role: PersonRole;
  address: string;
}

/** A person as the people API shows them to admins, deactivated people included. */
export interface ManagedPerson extends Person {
  active: boolean;
}

/** `password` only when the server generated it: shown this once. */
export interface PersonWithPassword {
  person: ManagedPerson;
  password?: string;
}

export interface ApiKey {
  id: string;
  label: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** One step of a media script (server/media-script/script-schema.ts). */
export interface ScriptStep {
  play?: string;
  seconds?: number;
  pause?: number;
  hangup?: true;
}

/** Where a phone number's calls go, as the phone-numbers API takes it. */
export interface PhoneDestinationInput {
  type: 'group' | 'user' | 'script';
  ringGroupId?: string;
  userId?: string;
  script?: ScriptStep[];
  skills?: Record<string, number>;
}

/** …and as it shows it; null when its ring group or user was deleted. */
export type PhoneDestination =
  | {
      type: 'group';
      ringGroupId: string;
      name: string;
      address: string;
      skills?: Record<string, number>;
    }
  | { type: 'user'; userId: string; name: string; address: string; skills?: Record<string, number> }
  | { type: 'script'; script: ScriptStep[] }
  | null;

/** A phone number as the phone-numbers API shows it (server/phone-numbers/schemas.ts). */
export interface PhoneNumber {
  id: string;
  /** E.164 */
  number: string;
  display: string;
  label: string;
  destination: PhoneDestination;
  callerId: boolean;
  createdAt: number;
}

export interface PhoneNumberChanges {
  label?: string;
  destination?: PhoneDestinationInput;
  callerId?: boolean;
}

/** The administration APIs an admin's token may use. */
@Injectable({ providedIn: 'root' })
export class AdminApi {
  private readonly http = inject(HttpClient);
  private readonly storage = inject(TokenStorage);

  ringGroups(): Observable<{ ringGroups: RingGroup[] }> {
    return this.http.get<{ ringGroups: RingGroup[] }>('/api/ring-groups', {
      headers: this.headers(),
    });
  }

  createRingGroup(settings: RingGroupSettings): Observable<RingGroup> {
    return this.http.post<RingGroup>('/api/ring-groups', settings, { headers: this.headers() });
  }

  updateRingGroup(id: string, settings: Partial<RingGroupSettings>): Observable<RingGroup> {
    return this.http.patch<RingGroup>(`/api/ring-groups/${encodeURIComponent(id)}`, settings, {
      headers: this.headers(),
    });
  }

  deleteRingGroup(id: string): Observable<unknown> {
    return this.http.delete(`/api/ring-groups/${encodeURIComponent(id)}`, {
      headers: this.headers(),
    });
  }

  apiKeys(): Observable<{ apiKeys: ApiKey[] }> {
    return this.http.get<{ apiKeys: ApiKey[] }>('/api/api-keys', { headers: this.headers() });
  }

  /** The response holds the key itself, this once. */
  createApiKey(label: string): Observable<ApiKey & { key: string }> {
    return this.http.post<ApiKey & { key: string }>(
      '/api/api-keys',
      { label },
      { headers: this.headers() },
    );
  }

  revokeApiKey(id: string): Observable<ApiKey> {
    return this.http.delete<ApiKey>(`/api/api-keys/${encodeURIComponent(id)}`, {
      headers: this.headers(),
    });
  }

  skills(userId: string): Observable<{ skills: Record<string, number> }> {
    return this.http.get<{ skills: Record<string, number> }>(
      `/api/users/${encodeURIComponent(userId)}/skills`,
      { headers: this.headers() },
    );
  }

  setSkills(
    userId: string,
    skills: Record<string, number>,
  ): Observable<{ skills: Record<string, number> }> {
    return this.http.put<{ skills: Record<string, number> }>(
      `/api/users/${encodeURIComponent(userId)}/skills`,
      { skills },
      { headers: this.headers() },
    );
  }

  people(): Observable<{ users: Person[] }> {
    return this.http.get<{ users: Person[] }>('/api/users', { headers: this.headers() });
  }

  managedPeople(): Observable<{ people: ManagedPerson[] }> {
    return this.http.get<{ people: ManagedPerson[] }>('/api/people', { headers: this.headers() });
  }

  createPerson(body: {
    reference: string;
    name: string;
    role: PersonRole;
    password?: string;
  }): Observable<PersonWithPassword> {
    return this.http.post<PersonWithPassword>('/api/people', body, { headers: this.headers() });
  }

  updatePerson(
    id: string,
    changes: { name?: string; role?: PersonRole },
  ): Observable<ManagedPerson> {
    return this.http.patch<ManagedPerson>(`/api/people/${encodeURIComponent(id)}`, changes, {
      headers: this.headers(),
    });
  }

  setPersonActive(id: string, active: boolean): Observable<ManagedPerson> {
    const action = active ? 'reactivate' : 'deactivate';
    return this.http.post<ManagedPerson>(`/api/people/${encodeURIComponent(id)}/${action}`, null, {
      headers: this.headers(),
    });
  }

  /** Without a password the server generates one and returns it this once. */
  resetPassword(id: string, password?: string): Observable<PersonWithPassword> {
    return this.http.post<PersonWithPassword>(
      `/api/people/${encodeURIComponent(id)}/password`,
      password ? { password } : {},
      { headers: this.headers() },
    );
  }

  phoneNumbers(): Observable<{ phoneNumbers: PhoneNumber[] }> {
    return this.http.get<{ phoneNumbers: PhoneNumber[] }>('/api/phone-numbers', {
      headers: this.headers(),
    });
  }

  createPhoneNumber(body: PhoneNumberChanges & { number: string }): Observable<PhoneNumber> {
    return this.http.post<PhoneNumber>('/api/phone-numbers', body, { headers: this.headers() });
  }

  /** The number itself never changes: delete it and add the new one. */
  updatePhoneNumber(id: string, changes: PhoneNumberChanges): Observable<PhoneNumber> {
    return this.http.patch<PhoneNumber>(`/api/phone-numbers/${encodeURIComponent(id)}`, changes, {
      headers: this.headers(),
    });
  }

  deletePhoneNumber(id: string): Observable<unknown> {
    return this.http.delete(`/api/phone-numbers/${encodeURIComponent(id)}`, {
      headers: this.headers(),
    });
  }

  private headers(): Record<string, string> {
    const stored = this.storage.read();
    return stored ? { authorization: `Bearer ${stored.token}` } : {};
  }
}

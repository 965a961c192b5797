import { Injectable } from '@angular/core';
import type { SignedInUser } from './signed-in-user';

export interface StoredSession {
  token: string;
  expiresAt: number;
  user: SignedInUser;
}

const KEY = 'switchboard.session';

/**
 * Keeps this tab's sign-in in sessionStorage: a reload stays signed in, while every tab signs
 * in (and registers) on its own. The token never enters the NgRx store.
 */
@Injectable({ providedIn: 'root' })
export class TokenStorage {
  read(now = Date.now()): StoredSession | null {
    try {
      const raw = sessionStorage.getItem(KEY);
      if (!raw) return null;
      const session = JSON.parse(raw) as StoredSession;
      return session.expiresAt > now ? session : null;
    } catch (error) {
      console.warn('[auth] ignoring an unreadable stored session', error);
      return null;
    }
  }

  save(session: StoredSession): void {
    sessionStorage.setItem(KEY, JSON.stringify(session));
  }

  updateToken(token: string, expiresAt: number): void {
    const current = this.read(0);
    if (current) this.save({ ...current, token, expiresAt });
  }

  clear(): void {
    sessionStorage.removeItem(KEY);
  }
}

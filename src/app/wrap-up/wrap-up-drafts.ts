import { Injectable } from '@angular/core';

/** What the agent has written for a call and not saved yet. */
export interface WrapUpDraft {
  callId: string;
  /** Who the call was with, to show the panel again after a reload. */
  callerName: string;
  dispositionCode: string | null;
  note: string;
}

const KEY_PREFIX = 'switchboard.wrapUpDraft.';

/**
 * Keeps the agent's unsaved wrap-up in localStorage, per user: a reload or a crashed tab finds
 * it again and the panel comes back until it is saved. One draft per agent (the latest call).
 */
@Injectable({ providedIn: 'root' })
export class WrapUpDrafts {
  read(userId: string): WrapUpDraft | null {
    try {
      const raw = localStorage.getItem(KEY_PREFIX + userId);
      return raw ? (JSON.parse(raw) as WrapUpDraft) : null;
    } catch (error) {
      console.warn('[wrap-up] ignoring an unreadable draft', error);
      return null;
    }
  }

  write(userId: string, draft: WrapUpDraft): void {
    localStorage.setItem(KEY_PREFIX + userId, JSON.stringify(draft));
  }

  clear(userId: string, callId: string): void {
    if (this.read(userId)?.callId === callId) localStorage.removeItem(KEY_PREFIX + userId);
  }
}

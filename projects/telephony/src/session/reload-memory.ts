import type { MediaOptions } from '../protocol';

/** Where a page keeps what its reload needs (the tab's sessionStorage). */
export type ReloadStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** What a page that goes away leaves for itself, so that its reload resumes its calls. */
export interface ReloadMemory {
  /** The server session to resume (`?resume=`): the server keeps its calls for a few seconds. */
  sessionId: string;
  /** What this page published on each of its calls, so the reloaded page publishes the same. */
  media: Record<string, Required<MediaOptions>>;
}

const KEY = 'switchboard.telephony.reload';
/** Older than this, the server has ended the session anyway (its reload grace is seconds). */
const MAX_AGE_MS = 60_000;

/**
 * Written only as the page goes away (`pagehide`), and taken (removed) as soon as the next page
 * reads it: a tab duplicated later copies the sessionStorage of a live page, which holds nothing,
 * so it never takes the session of the tab it was copied from.
 */
export function rememberForReload(store: ReloadStore | null, memory: ReloadMemory): void {
  try {
    store?.setItem(KEY, JSON.stringify({ ...memory, at: Date.now() }));
  } catch (error) {
    console.warn('[telephony] could not keep the session for a reload', error);
  }
}

/** What the page before this one left (null when none, stale or unreadable); removes it. */
export function recallAfterReload(store: ReloadStore | null): ReloadMemory | null {
  try {
    const raw = store?.getItem(KEY);
    if (!raw) return null;
    store?.removeItem(KEY);
    const parsed = JSON.parse(raw) as Partial<ReloadMemory> & { at?: unknown };
    if (typeof parsed.sessionId !== 'string' || typeof parsed.at !== 'number') return null;
    if (Date.now() - parsed.at > MAX_AGE_MS) return null;
    return { sessionId: parsed.sessionId, media: parsed.media ?? {} };
  } catch (error) {
    console.warn('[telephony] could not read the session kept for a reload', error);
    return null;
  }
}

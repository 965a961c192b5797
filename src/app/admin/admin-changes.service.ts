import { Injectable } from '@angular/core';
import { Observable } from 'rxjs';
import type { AdminMessage, AdminSection } from '../../../protocol/admin-protocol';

/** Every list: what a page re-reads when it may have missed changes (after a reconnect). */
export const ALL_SECTIONS: readonly AdminSection[] = [
  'people',
  'ring-groups',
  'phone-numbers',
  'api-keys',
];

/** Heartbeats that may go missing before the socket counts as dead. */
export const SILENT_BEATS = 3;
/** Until the first heartbeat says how often the server beats. */
const DEFAULT_SILENCE_LIMIT_MS = 30_000;
const WATCHDOG_MS = 1000;
const MAX_RETRY_MS = 10_000;
/** Close codes after which reconnecting is pointless: 4401 bad token, 4403 not an admin. */
const REFUSAL_CODES = new Set([4401, 4403]);

/**
 * `/api/admin/changes` as an Observable of the admin lists another admin changed
 * (protocol/admin-protocol.ts). Subscribing opens the socket, unsubscribing closes it. A socket
 * that closes, or goes silent for SILENT_BEATS heartbeats (a dropped network often never closes
 * it), is opened again with a growing delay, and once it is live again every list is emitted:
 * changes made meanwhile were never heard. A refusal completes it: this page is not an admin's.
 * The token is read at each connect, so a reconnect uses the refreshed one.
 */
@Injectable({ providedIn: 'root' })
export class AdminChangesService {
  watch(token: () => string | null): Observable<readonly AdminSection[]> {
    return new Observable<readonly AdminSection[]>((subscriber) => {
      let socket: WebSocket | null = null;
      let watchdog: ReturnType<typeof setInterval> | undefined;
      let retry: ReturnType<typeof setTimeout> | undefined;
      let failures = 0;
      let wasLive = false;

      const forget = () => {
        clearInterval(watchdog);
        if (!socket) return;
        socket.onclose = null;
        socket.onmessage = null;
        if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING)
          socket.close(1000);
        socket = null;
      };

      const reconnect = () => {
        forget();
        const delayMs = Math.min(1000 * 2 ** failures, MAX_RETRY_MS);
        failures++;
        retry = setTimeout(open, delayMs);
      };

      const open = () => {
        const current = token();
        if (!current) return subscriber.complete();
        const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
        socket = new WebSocket(
          `${scheme}//${location.host}/api/admin/changes?token=${encodeURIComponent(current)}`,
        );
        let live = false;
        let lastHeardAt = Date.now();
        let silenceLimitMs = DEFAULT_SILENCE_LIMIT_MS;
        watchdog = setInterval(() => {
          if (Date.now() - lastHeardAt > silenceLimitMs) reconnect();
        }, WATCHDOG_MS);
        socket.onmessage = (event) => {
          lastHeardAt = Date.now();
          const frame = JSON.parse(event.data as string) as AdminMessage;
          if (frame.type === 'admin.changed') {
            subscriber.next(frame.sections);
            return;
          }
          silenceLimitMs = frame.intervalSeconds * 1000 * SILENT_BEATS;
          if (live) return;
          // The first heartbeat: live (again). After a gap, anything may have changed.
          live = true;
          failures = 0;
          if (wasLive) subscriber.next(ALL_SECTIONS);
          wasLive = true;
        };
        socket.onclose = (event) => {
          if (!REFUSAL_CODES.has(event.code)) return reconnect();
          forget();
          subscriber.complete();
        };
      };

      open();
      return () => {
        clearTimeout(retry);
        forget();
      };
    });
  }
}

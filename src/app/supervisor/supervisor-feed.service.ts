import { Injectable } from '@angular/core';
import { Observable } from 'rxjs';
import type {
  SupervisorChanges,
  SupervisorMessage,
  SupervisorSnapshot,
} from '../../../protocol/supervisor-protocol';

/** What the feed gives the page: heartbeats only prove the socket alive and stay in here. */
export type FeedFrame = SupervisorSnapshot | SupervisorChanges;

/** Heartbeats that may go missing before the socket counts as dead. */
export const SILENT_BEATS = 3;
/** Until the snapshot says how often the server beats. */
const DEFAULT_SILENCE_LIMIT_MS = 30_000;
const WATCHDOG_MS = 1000;

/** The server closed the feed and will not take this tab back (4401 bad token, 4403 not a supervisor). */
export class FeedRefusedError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'FeedRefusedError';
  }
}

/** Close codes after which reconnecting is pointless. */
const REFUSAL_CODES = new Set([4401, 4403]);

/**
 * `/api/supervisor/feed` as an Observable: subscribing opens the socket, each frame is emitted,
 * unsubscribing closes it. A refusal errors with FeedRefusedError, any other close with Error,
 * so the effect decides whether to reconnect. A socket that goes silent for SILENT_BEATS
 * heartbeats (a dropped network often never closes it) is closed and errors the same way, so
 * the page reconnects and starts again from a fresh snapshot.
 */
@Injectable({ providedIn: 'root' })
export class SupervisorFeedService {
  connect(token: string): Observable<FeedFrame> {
    return new Observable<FeedFrame>((subscriber) => {
      const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
      const socket = new WebSocket(
        `${scheme}//${location.host}/api/supervisor/feed?token=${encodeURIComponent(token)}`,
      );
      let lastHeardAt = Date.now();
      let silenceLimitMs = DEFAULT_SILENCE_LIMIT_MS;
      const watchdog = setInterval(() => {
        if (Date.now() - lastHeardAt <= silenceLimitMs) return;
        subscriber.error(new Error('the feed went silent'));
      }, WATCHDOG_MS);
      socket.onmessage = (event) => {
        lastHeardAt = Date.now();
        try {
          const frame = JSON.parse(event.data as string) as SupervisorMessage;
          if (frame.type === 'supervisor.snapshot')
            silenceLimitMs = frame.heartbeatSeconds * 1000 * SILENT_BEATS;
          if (frame.type !== 'supervisor.heartbeat') subscriber.next(frame);
        } catch (error) {
          subscriber.error(error);
        }
      };
      socket.onclose = (event) => {
        if (REFUSAL_CODES.has(event.code))
          subscriber.error(new FeedRefusedError(event.code, event.reason || 'refused'));
        else subscriber.error(new Error(event.reason || `the feed closed (${event.code})`));
      };
      return () => {
        clearInterval(watchdog);
        socket.onclose = null;
        socket.onmessage = null;
        if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING)
          socket.close(1000);
      };
    });
  }
}

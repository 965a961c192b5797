import { Injectable } from '@angular/core';
import { Observable } from 'rxjs';
import type { SupervisorMessage } from '../../../protocol/supervisor-protocol';

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
 * so the effect decides whether to reconnect.
 */
@Injectable({ providedIn: 'root' })
export class SupervisorFeedService {
  connect(token: string): Observable<SupervisorMessage> {
    return new Observable<SupervisorMessage>((subscriber) => {
      const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
      const socket = new WebSocket(
        `${scheme}//${location.host}/api/supervisor/feed?token=${encodeURIComponent(token)}`,
      );
      socket.onmessage = (event) => {
        try {
          subscriber.next(JSON.parse(event.data as string) as SupervisorMessage);
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
        socket.onclose = null;
        socket.onmessage = null;
        if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING)
          socket.close(1000);
      };
    });
  }
}

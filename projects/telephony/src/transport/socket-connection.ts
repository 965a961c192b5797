import type { ClientMessage, ServerMessage } from '../protocol';
import { TelephonyError } from '../shared/errors';
import { TypedEmitter } from '../shared/typed-emitter';
import { backoffDelay, defaultBackoff, type BackoffOptions } from './backoff';

export type ConnectionState = 'connecting' | 'online' | 'reconnecting' | 'offline';
export type HelloMessage = Extract<ServerMessage, { type: 'hello' }>;

/** The part of the DOM WebSocket the SDK uses; tests hand in a fake through the factory. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type WebSocketFactory = (url: string) => WebSocketLike;

export type SocketConnectionEvents = {
  stateChanged: ConnectionState;
  hello: HelloMessage;
  message: ServerMessage;
  /** The server refused the token; the owner decides whether a refreshed one is worth a retry. */
  unauthorized: string;
};

export interface SocketConnectionOptions {
  /** Builds the URL for one attempt; called again on every reconnect so a refreshed token is used. */
  url: () => string;
  webSocketFactory?: WebSocketFactory;
  backoff?: BackoffOptions;
  random?: () => number;
  requestTimeoutMs?: number;
  /** Runs before each reconnect attempt (e.g. refresh a token that is about to expire). */
  beforeReconnect?: () => Promise<void>;
  /**
   * Where the browser's `offline`/`online` events come from: a network that goes says so at
   * once, and one that comes back skips the rest of the backoff.
   */
  networkEvents?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
  /**
   * Where the page's `freeze`/`resume` events come from (the document): a page about to be
   * frozen gives its socket up at once, so it stops being rung, and a resumed one reconnects.
   */
  pageEvents?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
  /** The session the page before a reload had: the first socket asks to resume it. */
  resumeSessionId?: string;
}

/** A client message without its requestId: `request()` assigns one. */
type Command = DistributiveOmit<ClientMessage, 'requestId'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface PendingRequest {
  resolve: (message: ServerMessage) => void;
  reject: (error: TelephonyError) => void;
  timer: ReturnType<typeof setTimeout>;
}

const OPEN = 1;
/** The server closes with this when the token is not (or no longer) good. */
export const CLOSE_UNAUTHORIZED = 4401;
/** We close with this when the server went silent: the server treats it as a lost connection. */
const CLOSE_HEARTBEAT_TIMEOUT = 4000;

/**
 * One logical connection to `/api/session` across any number of sockets: reconnects with
 * exponential backoff after a drop, heartbeats from the page's own code (the server only counts
 * frames from a tab that pings, because a frozen tab's browser still answers WebSocket pings),
 * watches the server's heartbeat, and pairs commands with their replies through `requestId`.
 * It knows nothing about calls.
 */
export class SocketConnection extends TypedEmitter<SocketConnectionEvents> {
  private socket: WebSocketLike | null = null;
  private currentState: ConnectionState = 'offline';
  private attempt = 0;
  private closedByClient = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  /** The server session of the last socket, resumed by the next one. */
  private sessionId: string | null = null;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private lastHeardAt = 0;
  private nextRequestId = 0;
  private readonly pending = new Map<string, PendingRequest>();
  private readonly factory: WebSocketFactory;
  private readonly backoff: BackoffOptions;
  private readonly random: () => number;
  private readonly requestTimeoutMs: number;
  /** The network came back: skip the backoff, or check that a socket that stayed open still works. */
  private readonly networkOnline = () => {
    if (this.currentState !== 'reconnecting') return;
    if (this.socket?.readyState === OPEN && this.sessionId) this.sendPing();
    else if (!this.frozen) this.openSocket();
  };
  /**
   * The network went: say so at once, but keep the socket. A hiccup of a second or two must not
   * cost the agent a ringing call; if the socket is really gone, the heartbeat notices.
   */
  private readonly networkOffline = () => {
    if (this.currentState === 'online') this.setState('reconnecting');
  };
  /** The page is about to be frozen (a background tab): give the socket up so it stops ringing. */
  private readonly pageFrozen = () => {
    if (this.closedByClient || this.currentState === 'offline') return;
    this.frozen = true;
    this.clearReconnectTimer();
    // Not a clean close: the server keeps this tab's calls for the resume below.
    this.dropSocket('page frozen', CLOSE_HEARTBEAT_TIMEOUT);
    this.setState('reconnecting');
  };
  private readonly pageResumed = () => {
    if (!this.frozen) return;
    this.frozen = false;
    if (this.currentState === 'reconnecting') this.openSocket();
  };
  private frozen = false;

  constructor(private readonly options: SocketConnectionOptions) {
    super();
    this.factory = options.webSocketFactory ?? ((url) => new WebSocket(url));
    this.backoff = options.backoff ?? defaultBackoff;
    this.random = options.random ?? Math.random;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.sessionId = options.resumeSessionId ?? null;
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** The server session of the current (or last) socket; null before the first `hello`. */
  get currentSessionId(): string | null {
    return this.sessionId;
  }

  open(): void {
    this.closedByClient = false;
    this.options.networkEvents?.addEventListener('online', this.networkOnline);
    this.options.networkEvents?.addEventListener('offline', this.networkOffline);
    this.options.pageEvents?.addEventListener('freeze', this.pageFrozen);
    this.options.pageEvents?.addEventListener('resume', this.pageResumed);
    this.setState('connecting');
    this.openSocket();
  }

  /** Closes for good: no reconnect, every pending request fails. */
  close(): void {
    this.closedByClient = true;
    this.options.networkEvents?.removeEventListener('online', this.networkOnline);
    this.options.networkEvents?.removeEventListener('offline', this.networkOffline);
    this.options.pageEvents?.removeEventListener('freeze', this.pageFrozen);
    this.options.pageEvents?.removeEventListener('resume', this.pageResumed);
    this.clearReconnectTimer();
    this.dropSocket('closed by client');
    this.setState('offline');
  }

  /** Sends a command and resolves with the server's reply carrying the same requestId. */
  request(command: Command): Promise<ServerMessage> {
    if (!this.socket || this.socket.readyState !== OPEN || this.currentState !== 'online') {
      return Promise.reject(
        new TelephonyError('not-connected', `cannot send ${command.type}: not connected`),
      );
    }
    const requestId = `r${++this.nextRequestId}`;
    return new Promise<ServerMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(
          new TelephonyError(
            'timeout',
            `no reply to ${command.type} within ${this.requestTimeoutMs} ms`,
          ),
        );
      }, this.requestTimeoutMs);
      this.pending.set(requestId, { resolve, reject, timer });
      this.socket!.send(JSON.stringify({ ...command, requestId }));
    });
  }

  private openSocket(): void {
    this.clearReconnectTimer();
    this.dropSocket('replaced');
    const socket = this.factory(this.withResume(this.options.url()));
    this.socket = socket;
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = (event) => {
      if (event.code === CLOSE_UNAUTHORIZED)
        this.handleUnauthorized(event.reason || 'unauthorized');
      else this.handleDrop();
    };
    // A failed socket always closes too; the close handler does the work.
    socket.onerror = () => undefined;
  }

  /**
   * After a drop, ask for the session we had: the server keeps a lost tab's calls for a while
   * (SESSION_RESUME_SECONDS), and `hello.resumed` says whether they are still ours.
   */
  private withResume(url: string): string {
    if (!this.sessionId) return url;
    return `${url}${url.includes('?') ? '&' : '?'}resume=${encodeURIComponent(this.sessionId)}`;
  }

  private receive(data: unknown): void {
    this.lastHeardAt = Date.now();
    let message: ServerMessage;
    try {
      message = JSON.parse(String(data)) as ServerMessage;
    } catch {
      console.warn('[telephony] ignoring a frame that is not JSON');
      return;
    }
    if (message.type === 'hello') {
      this.sessionId = message.sessionId;
      this.attempt = 0;
      this.startHeartbeat(message.heartbeatSeconds);
      // From this first ping on, the server counts only this page's frames as signs of life.
      this.sendPing();
      this.setState('online');
      this.emit('hello', message);
    } else if (this.currentState === 'reconnecting' && this.sessionId) {
      // A frame on the socket that outlived a network hiccup: the connection works again.
      this.setState('online');
    }
    if (message.type === 'heartbeat') {
      this.sendPing();
      return;
    }
    if ('requestId' in message && message.requestId && this.settle(message.requestId, message)) {
      // The reply still goes out as a message: an outgoing_call reply is also the call's first state.
    } else if (message.type === 'error' && message.code === 'unauthorized') {
      this.handleUnauthorized(message.message);
      return;
    }
    this.emit('message', message);
  }

  private settle(requestId: string, message: ServerMessage): boolean {
    const request = this.pending.get(requestId);
    if (!request) return false;
    this.pending.delete(requestId);
    clearTimeout(request.timer);
    if (message.type === 'error') request.reject(new TelephonyError(message.code, message.message));
    else request.resolve(message);
    return true;
  }

  private handleUnauthorized(reason: string): void {
    this.dropSocket('unauthorized');
    this.setState('offline');
    this.emit('unauthorized', reason);
  }

  private handleDrop(closeCode = 1000): void {
    this.dropSocket('socket closed', closeCode);
    if (this.closedByClient || this.currentState === 'offline') return;
    this.setState('reconnecting');
    const delay = backoffDelay(this.attempt++, this.backoff, this.random);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      const ready = this.options.beforeReconnect?.() ?? Promise.resolve();
      void ready
        .catch((error: unknown) => console.warn('[telephony] before-reconnect step failed', error))
        .then(() => {
          if (this.currentState === 'reconnecting') this.openSocket();
        });
    }, delay);
  }

  /** Detaches and closes the current socket and fails whatever was waiting on it. */
  private dropSocket(reason: string, closeCode = 1000): void {
    this.stopHeartbeat();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      if (socket.readyState <= OPEN) socket.close(closeCode, reason);
    }
    for (const [requestId, request] of this.pending) {
      clearTimeout(request.timer);
      request.reject(
        new TelephonyError('connection-closed', `connection closed before a reply (${reason})`),
      );
      this.pending.delete(requestId);
    }
  }

  private startHeartbeat(heartbeatSeconds: number): void {
    this.stopHeartbeat();
    const intervalMs = Math.max(1, heartbeatSeconds) * 1000;
    this.heartbeatTimer = setInterval(() => {
      // Silence for three beats means the network is gone even if the socket has not noticed.
      if (Date.now() - this.lastHeardAt > 3 * intervalMs) {
        this.handleDrop(CLOSE_HEARTBEAT_TIMEOUT);
        return;
      }
      this.sendPing();
    }, intervalMs);
  }

  private sendPing(): void {
    if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify({ type: 'ping' }));
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer !== null) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  private clearReconnectTimer(): void {
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  private setState(state: ConnectionState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.emit('stateChanged', state);
  }
}

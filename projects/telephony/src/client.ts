import { BehaviorSubject, type Observable } from 'rxjs';
import { TokenRefresher, tokenExpiry, type TokenGrant } from './auth/token-refresher';
import { createHoldAudio, type HoldAudioFactory } from './media/hold-audio';
import type { MediaEngine } from './media/media-engine';
import { recallAfterReload, rememberForReload, type ReloadStore } from './session/reload-memory';
import { Session } from './session/session';
import { fromEmitterEvent, TypedEmitter } from './shared/typed-emitter';
import { defaultBackoff, type BackoffOptions } from './transport/backoff';
import {
  SocketConnection,
  type ConnectionState,
  type WebSocketFactory,
} from './transport/socket-connection';

export interface ConnectOptions {
  /** WebSocket endpoint without the token; defaults to `/api/session` on this page's host. */
  url?: string;
  /** When the token expires (epoch ms); read from the token's `exp` claim when omitted. */
  expiresAt?: number;
  /** Where a token about to expire is exchanged for a fresh one. */
  refreshUrl?: string;
  fetch?: typeof fetch;
  webSocketFactory?: WebSocketFactory;
  backoff?: Partial<BackoffOptions>;
  random?: () => number;
  requestTimeoutMs?: number;
  /** Source of the browser's `online`/`offline` events (the window); `null` ignores them. */
  networkEvents?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'> | null;
  /** Source of the page's `freeze`/`resume` events (the document); `null` ignores them. */
  pageEvents?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'> | null;
  /**
   * Joins the media room of each call this tab answers or dials (the console passes its
   * LiveKit engine). Without one, calls carry no media and `localStream$`/`remoteStream$` stay null.
   */
  media?: MediaEngine;
  /**
   * What a caller hears while its call is held (with a media engine only). Defaults to a
   * generated WebAudio chime; `null` plays nothing.
   */
  holdAudio?: HoldAudioFactory | null;
  /**
   * Where the page keeps its session for its own reload (the tab's sessionStorage); `null`
   * keeps nothing, so a reload ends this page's calls.
   */
  reloadStore?: ReloadStore | null;
  /** Source of the page's `pagehide` event (the window); `null` ignores it. */
  unloadEvents?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'> | null;
}

export type TelephonyClientEvents = {
  connectionStateChanged: ConnectionState;
  tokenRefreshed: TokenGrant;
  /** The server no longer accepts this sign-in; the client has disconnected for good. */
  unauthorized: string;
};

/**
 * What `connect()` returns: the agent's `session` plus the connection's state. Wires three
 * managers together (socket, session, token refresher) and owns none of their logic.
 */
export class TelephonyClient extends TypedEmitter<TelephonyClientEvents> {
  readonly session: Session;
  readonly connectionState$: Observable<ConnectionState>;
  readonly tokenRefreshed$: Observable<TokenGrant> = fromEmitterEvent<
    TelephonyClientEvents,
    'tokenRefreshed'
  >(this, 'tokenRefreshed');
  readonly unauthorized$: Observable<string> = fromEmitterEvent<
    TelephonyClientEvents,
    'unauthorized'
  >(this, 'unauthorized');

  private readonly connection: SocketConnection;
  private readonly refresher: TokenRefresher;
  private readonly connectionState$$ = new BehaviorSubject<ConnectionState>('connecting');
  private unauthorizedRetries = 0;
  private failed = false;
  private readonly reloadStore: ReloadStore | null;
  private readonly unloadEvents: Pick<
    EventTarget,
    'addEventListener' | 'removeEventListener'
  > | null;
  /**
   * The page goes away (a reload, or a closed tab: the browser cannot tell us which): it leaves
   * its session for the next page of this tab, which resumes it while the server keeps its calls.
   */
  private readonly pageHidden = () => {
    const sessionId = this.connection.currentSessionId;
    if (this.failed || !sessionId) return;
    rememberForReload(this.reloadStore, { sessionId, media: this.session.mediaChoices() });
  };

  constructor(token: string, options: ConnectOptions = {}) {
    super();
    const expiresAt = options.expiresAt ?? tokenExpiry(token) ?? Number.POSITIVE_INFINITY;
    this.refresher = new TokenRefresher(
      { token, expiresAt },
      { refreshUrl: options.refreshUrl, fetch: options.fetch },
    );
    const baseUrl = options.url ?? defaultSessionUrl();
    this.reloadStore =
      options.reloadStore === undefined ? (globalThis.sessionStorage ?? null) : options.reloadStore;
    this.unloadEvents =
      options.unloadEvents === undefined ? (globalThis.window ?? null) : options.unloadEvents;
    const reloaded = recallAfterReload(this.reloadStore);
    this.connection = new SocketConnection({
      url: () => `${baseUrl}?token=${encodeURIComponent(this.refresher.current.token)}`,
      webSocketFactory: options.webSocketFactory,
      backoff: { ...defaultBackoff, ...options.backoff },
      random: options.random,
      requestTimeoutMs: options.requestTimeoutMs,
      beforeReconnect: () => this.refresher.ensureFresh().then(() => undefined),
      networkEvents:
        options.networkEvents === undefined
          ? globalThis.window
          : (options.networkEvents ?? undefined),
      pageEvents:
        options.pageEvents === undefined ? globalThis.document : (options.pageEvents ?? undefined),
      resumeSessionId: reloaded?.sessionId,
    });
    // Hold audio only makes sense for calls with media; by default the generated chime.
    const holdAudio = options.holdAudio === undefined ? createHoldAudio : options.holdAudio;
    this.session = new Session(
      this.connection,
      options.media ?? null,
      options.media ? holdAudio : null,
    );
    if (reloaded) this.session.resumeMediaChoices(reloaded.media);
    this.connectionState$ = this.connectionState$$.asObservable();

    this.connection.on('stateChanged', (state) => {
      this.connectionState$$.next(state);
      this.emit('connectionStateChanged', state);
    });
    this.connection.on('hello', () => (this.unauthorizedRetries = 0));
    this.connection.on('unauthorized', (message) => this.handleUnauthorized(message));
    this.refresher.on('refreshed', (grant) => this.emit('tokenRefreshed', grant));
    this.refresher.on('rejected', (message) => this.fail(message));
  }

  get connectionState(): ConnectionState {
    return this.connectionState$$.value;
  }

  /** The token currently in use (it changes when refreshed). */
  get token(): string {
    return this.refresher.current.token;
  }

  /** @internal `connect()` calls this once. */
  start(): void {
    this.refresher.start();
    this.unloadEvents?.addEventListener('pagehide', this.pageHidden);
    this.connection.open();
  }

  /** Signs this console out of telephony: the socket closes and every call ends for it. */
  disconnect(): void {
    this.unloadEvents?.removeEventListener('pagehide', this.pageHidden);
    this.refresher.stop();
    this.connection.close();
    this.session.dispose();
    this.connectionState$$.complete();
    this.removeAllListeners();
  }

  private handleUnauthorized(message: string): void {
    // One refresh-and-retry per connection: a token refused twice in a row is not coming back.
    if (this.unauthorizedRetries++ > 0) return this.fail(message);
    this.refresher.refreshNow().then(
      () => this.connection.open(),
      () => this.fail(message),
    );
  }

  private fail(message: string): void {
    if (this.failed) return;
    this.failed = true;
    this.refresher.stop();
    this.connection.close();
    this.emit('unauthorized', message);
  }
}

/** Opens the agent's session. The client starts connecting at once. */
export function connect(token: string, options: ConnectOptions = {}): TelephonyClient {
  const client = new TelephonyClient(token, options);
  client.start();
  return client;
}

function defaultSessionUrl(): string {
  const { protocol, host } = globalThis.location;
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}/api/session`;
}

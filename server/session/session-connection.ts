/**
 * One agent tab's WebSocket, the gateway side: validates each frame, hands commands to whoever
 * owns the tenant's routing (`SessionBackend`: this process, or the owner node of a cluster),
 * forwards the frames addressed to its session, answers heartbeats, and says when the tab is
 * gone. The owner side (session-commands.ts) sends `hello`, the replies and the pushes through
 * the event bus, so a reply still goes out before the pushes its command caused.
 *
 * The session id is the owner's choice (a resumed session keeps its id): the socket listens on
 * the fresh id and on the one it asks to resume, takes the one `hello` names, and until then
 * passes nothing else on. Commands sent before `hello` wait for it.
 */
import type { WebSocket, RawData } from 'ws';
import type { FastifyBaseLogger } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { ClientMessage, ServerMessage } from '../../protocol/session-protocol.ts';
import { frameText } from '../routing/index.ts';
import { errorFrame, parseClientMessage } from './client-messages.ts';
import type { SessionBackend } from './session-backend.ts';
import type { SessionEnd, SessionIdentity } from './session-commands.ts';

export type { SessionIdentity } from './session-commands.ts';

/** The SDK closes with this when it disconnects on purpose (sign-out): the session ends. */
const CLOSE_NORMAL = 1000;
/**
 * A browser closes with this when its page goes away: a closed tab, but also a reload, which
 * the server cannot tell apart. The session waits `reloadGraceSeconds` for the reloaded page.
 */
const CLOSE_GOING_AWAY = 1001;

export interface SessionConnectionOptions {
  socket: WebSocket;
  identity: SessionIdentity;
  backend: SessionBackend;
  /** How long a lost socket's session waits for its tab to come back (0: it ends at once). */
  resumeSeconds: number;
  /**
   * How long the session of a page that went away (1001: reloaded or closed) waits for the
   * reloaded page; when it does not come back its calls are hung up (0: at once).
   */
  reloadGraceSeconds: number;
  /** The session the tab had before its socket was lost (`?resume=`), if any. */
  resumeSessionId?: string;
  log: FastifyBaseLogger;
  /** Told the session id once `hello` chose it. */
  onSessionId?(connection: SessionConnection): void;
  onClosed(connection: SessionConnection): void;
  /** While true (a node handing its tenants over), a closing socket detaches its session. */
  draining?: () => boolean;
}

export class SessionConnection {
  /** The fresh id until `hello` names the session (in one process, before the constructor returns). */
  sessionId: string;
  private confirmed = false;
  /** Beats since the last sign of life (a frame; a pong too unless the tab heartbeats itself). */
  private missedBeats = 0;
  /**
   * The tab heartbeats from its own code (it sent a `ping` frame): from then on only its frames
   * prove it alive. A frozen browser tab still answers WebSocket pings; its page cannot.
   */
  private appHeartbeat = false;
  private readonly unsubscribes = new Map<string, () => void>();
  private readonly waiting: ClientMessage[] = [];
  /** A newer socket of the same tab took this session over: closing this one must not end it. */
  private superseded = false;
  /** Closed by the server because the person may no longer sign in: nothing to resume. */
  private signedOut = false;
  private readonly socket: WebSocket;
  private readonly backend: SessionBackend;
  private readonly log: FastifyBaseLogger;
  private readonly tenantId: string;

  constructor(private readonly options: SessionConnectionOptions) {
    const { socket, identity, backend, log, resumeSessionId } = options;
    this.socket = socket;
    this.backend = backend;
    this.log = log;
    this.tenantId = identity.tenant.id;
    const freshSessionId = randomUUID();
    this.sessionId = freshSessionId;
    // Listeners are attached before anything async can happen, so no early frame is lost.
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    socket.on('pong', () => {
      if (!this.appHeartbeat) this.missedBeats = 0;
    });
    socket.on('close', (code) => {
      for (const unsubscribe of this.unsubscribes.values()) unsubscribe();
      this.unsubscribes.clear();
      if (!this.superseded && this.confirmed) this.endSession(code);
      options.onClosed(this);
    });

    for (const candidate of new Set([freshSessionId, resumeSessionId ?? freshSessionId]))
      this.unsubscribes.set(
        candidate,
        backend.subscribe(candidate, (message) => this.delivered(candidate, message)),
      );
    backend.open(this.tenantId, { identity, freshSessionId, resumeSessionId });
  }

  /** Whether `identity` may take this session over (the same user of the same tenant). */
  belongsTo(identity: SessionIdentity): boolean {
    return (
      identity.user.id === this.options.identity.user.id &&
      identity.tenant.id === this.options.identity.tenant.id
    );
  }

  /**
   * The tab reconnected before this socket was noticed dead: the session is handed to the new
   * socket (detached now, resumed by it at once) and this socket is dropped.
   */
  supersede(): void {
    this.superseded = true;
    for (const unsubscribe of this.unsubscribes.values()) unsubscribe();
    this.unsubscribes.clear();
    this.backend.end(this.tenantId, this.sessionId, {
      kind: 'detach',
      resumeMs: this.options.resumeSeconds * 1000,
    });
    this.socket.terminate();
  }

  /** Whether this is a tab of that person. */
  isOf(tenantId: string, userId: string): boolean {
    return this.tenantId === tenantId && this.options.identity.user.id === userId;
  }

  /** Closes the socket and ends its session for good (4401: the tab signs out, no resume). */
  signOut(reason: string): void {
    this.signedOut = true;
    this.socket.close(4401, reason);
  }

  /** Closes the socket without ending the session: the tab resumes it on another node. */
  handOver(): void {
    this.socket.close(1012, 'service restart: reconnect');
  }

  private delivered(candidate: string, message: ServerMessage): void {
    if (!this.confirmed) {
      if (message.type !== 'hello' || message.sessionId !== candidate) return;
      this.confirmed = true;
      this.sessionId = candidate;
      for (const [id, unsubscribe] of this.unsubscribes)
        if (id !== candidate) {
          unsubscribe();
          this.unsubscribes.delete(id);
        }
      this.options.onSessionId?.(this);
      this.send(message);
      for (const command of this.waiting.splice(0))
        this.backend.execute(this.tenantId, this.sessionId, command);
      return;
    }
    if (candidate === this.sessionId) this.send(message);
  }

  private endSession(code: number): void {
    const resumeMs = this.options.resumeSeconds * 1000;
    const reloadGraceMs = this.options.reloadGraceSeconds * 1000;
    const draining = this.options.draining?.() ?? false;
    const end = (how: SessionEnd) => this.backend.end(this.tenantId, this.sessionId, how);
    if (draining && resumeMs > 0) return end({ kind: 'detach', resumeMs });
    if (this.signedOut || code === CLOSE_NORMAL) return end({ kind: 'close', cause: 'closed' });
    if (code === CLOSE_GOING_AWAY)
      return end(
        reloadGraceMs > 0
          ? { kind: 'detach', resumeMs: reloadGraceMs, closing: true }
          : { kind: 'close', cause: 'closed' },
      );
    end(resumeMs > 0 ? { kind: 'detach', resumeMs } : { kind: 'close', cause: 'lost' });
  }

  /**
   * Called once every heartbeat interval. A socket that gave no sign of life through the last
   * two beats is dead (a sleeping laptop, a dropped network, a frozen tab): it is terminated,
   * which detaches the session (it stops ringing; its calls wait `resumeSeconds` for the tab
   * to come back). So a silent tab goes after 2 to 3 intervals of silence, never sooner.
   */
  heartbeat(): void {
    if (this.missedBeats >= 2) {
      this.log.info({ sessionId: this.sessionId }, 'session missed two heartbeats; terminating');
      this.socket.terminate();
      return;
    }
    this.missedBeats++;
    // A tab that heartbeats itself answers this frame from its own code (with `ping`).
    if (this.appHeartbeat) this.send({ type: 'heartbeat' });
    this.socket.ping();
  }

  private send(message: ServerMessage): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(frameText(message));
  }

  private receive(data: RawData, isBinary: boolean): void {
    // Any frame proves the tab alive.
    this.missedBeats = 0;
    let message: ClientMessage | undefined;
    try {
      message = parseClientMessage(data, isBinary);
    } catch (error) {
      const { frame, unexpected } = errorFrame(error, undefined);
      if (unexpected)
        this.log.error({ err: error, sessionId: this.sessionId }, 'session frame failed');
      return this.send(frame);
    }
    // Answered here: a heartbeat needs no trip to the tenant's owner.
    if (message.type === 'ping') {
      this.appHeartbeat = true;
      return this.send({
        type: 'pong',
        ...(message.requestId ? { requestId: message.requestId } : {}),
      });
    }
    if (!this.confirmed) this.waiting.push(message);
    else this.backend.execute(this.tenantId, this.sessionId, message);
  }
}

/**
 * One agent tab's WebSocket: sends `hello`, turns each validated command into a router call,
 * forwards the router's pushes, answers heartbeats, and tells the router when the tab is gone.
 * Replies go out before the pushes the command caused (the router runs the command and the
 * reply as one step and sends its pushes when the step ends).
 */
import type { WebSocket, RawData } from 'ws';
import type { FastifyBaseLogger } from 'fastify';
import { isPhoneNumberLike, type PhoneDialing } from '../sip/phone-dialing.ts';
import { randomUUID } from 'node:crypto';
import type { ClientMessage, Presence, ServerMessage } from '../../protocol/session-protocol.ts';
import type { CallRouter } from '../routing/index.ts';
import type { CallLimits } from '../calls/call-limits.ts';
import type { TenantRecord, UserRecord } from '../directory/directory.ts';
import { privateAddress } from '../directory/directory.ts';
import { errorFrame, parseClientMessage } from './client-messages.ts';

export interface SessionIdentity {
  user: UserRecord;
  tenant: TenantRecord;
}

/** Close codes a browser sends when the user closed the tab or navigated away. */
const CLEAN_CLOSE_CODES = new Set([1000, 1001]);

export interface SessionConnectionOptions {
  socket: WebSocket;
  identity: SessionIdentity;
  router: CallRouter;
  /** Caps on live calls; a tab's dial counts for its user and tenant. */
  limits: CallLimits;
  heartbeatSeconds: number;
  /** How long a lost socket's session waits for its tab to come back (0: it ends at once). */
  resumeSeconds: number;
  /** The session the tab had before its socket was lost (`?resume=`), if any. */
  resumeSessionId?: string;
  log: FastifyBaseLogger;
  /** Dialled phone numbers (server/sip): refused clearly where this server cannot call phones. */
  phones?: PhoneDialing;
  onClosed(connection: SessionConnection): void;
}

export class SessionConnection {
  readonly sessionId: string;
  /** Beats since the last sign of life (a frame; a pong too unless the tab heartbeats itself). */
  private missedBeats = 0;
  /**
   * The tab heartbeats from its own code (it sent a `ping` frame): from then on only its frames
   * prove it alive. A frozen browser tab still answers WebSocket pings; its page cannot.
   */
  private appHeartbeat = false;
  private readonly unsubscribe: () => void;
  /** A newer socket of the same tab took this session over: closing this one must not end it. */
  private superseded = false;
  private readonly socket: WebSocket;
  private readonly router: CallRouter;
  private readonly log: FastifyBaseLogger;

  constructor(private readonly options: SessionConnectionOptions) {
    const { socket, identity, router, log, resumeSessionId } = options;
    this.socket = socket;
    this.router = router;
    this.log = log;
    const resuming =
      resumeSessionId !== undefined &&
      router.isResumable(resumeSessionId, identity.tenant.id, identity.user.id);
    this.sessionId = resuming ? resumeSessionId : randomUUID();
    const sessionId = this.sessionId;
    // Listeners are attached before anything async can happen, so no early frame is lost.
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    socket.on('pong', () => {
      if (!this.appHeartbeat) this.missedBeats = 0;
    });
    socket.on('close', (code) => {
      this.unsubscribe();
      if (!this.superseded) this.endSession(CLEAN_CLOSE_CODES.has(code));
      options.onClosed(this);
    });

    this.unsubscribe = router.bus.subscribe(sessionId, (message) => this.send(message));
    // One routing step: `hello` goes out before any push that resuming causes.
    router.batch(() => {
      const resumed = resuming
        ? router.resumeSession(sessionId, identity.tenant.id, identity.user.id)
        : null;
      const { presence } =
        resumed ?? router.openSession(sessionId, identity.tenant.id, identity.user);
      this.sendHello(presence, resumed?.online ?? false, resumed !== null);
      for (const call of resumed ? router.outgoingCalls(sessionId) : [])
        this.send({ type: 'outgoing_call', call });
      this.send({ type: 'incoming_calls', calls: router.incomingCalls(sessionId) });
    });
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
    this.unsubscribe();
    this.router.detachSession(this.sessionId, this.options.resumeSeconds * 1000);
    this.socket.terminate();
  }

  private endSession(clean: boolean): void {
    const resumeMs = this.options.resumeSeconds * 1000;
    if (clean || resumeMs === 0)
      this.router.closeSession(this.sessionId, clean ? 'closed' : 'lost');
    else this.router.detachSession(this.sessionId, resumeMs);
  }

  private sendHello(presence: Presence, online: boolean, resumed: boolean): void {
    const { identity, heartbeatSeconds } = this.options;
    this.send({
      type: 'hello',
      sessionId: this.sessionId,
      resumed,
      user: {
        id: identity.user.id,
        name: identity.user.displayName,
        reference: identity.user.reference,
        role: identity.user.role,
        tenant: { id: identity.tenant.id, name: identity.tenant.name },
      },
      addresses: [privateAddress(identity.user.username)],
      presence,
      online,
      heartbeatSeconds,
    });
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
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private receive(data: RawData, isBinary: boolean): void {
    // Any frame proves the tab alive.
    this.missedBeats = 0;
    let message: ClientMessage | undefined;
    try {
      message = parseClientMessage(data, isBinary);
      const pending = this.execute(message);
      if (pending) pending.catch((error: unknown) => this.fail(error, message?.requestId));
    } catch (error) {
      this.fail(error, message?.requestId);
    }
  }

  /** Runs one command; returns a promise only for those that look an address up (dial, transfer). */
  private execute(message: ClientMessage): Promise<unknown> | void {
    const { router, sessionId } = this;
    const requestId = message.requestId;
    const ok = () => requestId && this.send({ type: 'ok', requestId });
    switch (message.type) {
      case 'ping':
        this.appHeartbeat = true;
        return this.send({ type: 'pong', ...(requestId ? { requestId } : {}) });
      case 'online':
        return router.batch(() => {
          const { addresses, presence } = router.comeOnline(sessionId);
          this.send({
            type: 'registered',
            ...(requestId ? { requestId } : {}),
            addresses,
            presence,
          });
        });
      case 'offline':
        return router.batch(() => {
          const presence = router.goOffline(sessionId);
          this.send({ type: 'unregistered', ...(requestId ? { requestId } : {}), presence });
        });
      case 'presence.set':
        return router.batch(() => {
          router.setPresence(sessionId, message.presence);
          ok();
        });
      case 'call.accept':
        return router.batch(() => {
          router.accept(sessionId, message.callId);
          ok();
        });
      case 'call.reject':
        return router.batch(() => {
          router.reject(sessionId, message.callId);
          ok();
        });
      case 'call.hangup':
        return router.batch(() => {
          router.hangup(sessionId, message.callId);
          ok();
        });
      case 'call.dial': {
        // The reply is the call's first `outgoing_call` frame, which carries the requestId.
        const place = () =>
          this.options.limits.place(
            { tenantId: this.options.identity.tenant.id, userId: this.options.identity.user.id },
            () => router.dial(sessionId, message.to, message.params ?? {}, requestId),
            (call) => call.status === 'disconnected',
          );
        if (isPhoneNumberLike(message.to) && this.options.phones)
          return this.options.phones.requireOutbound(this.options.identity.tenant.id).then(place);
        return place();
      }
      case 'call.transfer':
        return router.transfer(sessionId, message.callId, message.to, message.mode, ok);
      case 'call.transfer.complete':
        return router.batch(() => {
          router.completeTransfer(sessionId, message.callId);
          ok();
        });
      case 'call.transfer.cancel':
        return router.batch(() => {
          router.cancelTransfer(sessionId, message.callId);
          ok();
        });
      case 'call.hold':
        return router.batch(() => {
          router.hold(sessionId, message.callId);
          ok();
        });
      case 'call.resume':
        return router.batch(() => {
          router.resume(sessionId, message.callId);
          ok();
        });
      case 'wrap_up.end':
        return router.batch(() => {
          router.endWrapUp(sessionId);
          ok();
        });
      case 'wrap_up.extend':
        return router.batch(() => {
          router.extendWrapUp(sessionId, message.seconds);
          ok();
        });
    }
  }

  private fail(error: unknown, requestId: string | undefined): void {
    const { frame, unexpected } = errorFrame(error, requestId);
    if (unexpected)
      this.log.error({ err: error, sessionId: this.sessionId }, 'session command failed');
    this.send(frame);
  }
}

/**
 * One agent tab's WebSocket: sends `hello`, turns each validated command into a router call,
 * forwards the router's pushes, answers heartbeats, and tells the router when the tab is gone.
 * Replies go out before the pushes the command caused (the router runs the command and the
 * reply as one step and sends its pushes when the step ends).
 */
import type { WebSocket, RawData } from 'ws';
import type { FastifyBaseLogger } from 'fastify';
import type { ClientMessage, ServerMessage } from '../../protocol/session-protocol.ts';
import type { CallRouter } from '../routing/call-router.ts';
import type { TenantRecord, UserRecord } from '../directory/directory.ts';
import { privateAddress } from '../directory/directory.ts';
import { errorFrame, parseClientMessage } from './client-messages.ts';

export interface SessionIdentity {
  user: UserRecord;
  tenant: TenantRecord;
}

/** Close codes a browser sends when the user closed the tab or navigated away. */
const CLEAN_CLOSE_CODES = new Set([1000, 1001]);

export class SessionConnection {
  private unansweredPings = 0;
  private readonly unsubscribe: () => void;

  constructor(
    readonly sessionId: string,
    private readonly socket: WebSocket,
    private readonly identity: SessionIdentity,
    private readonly router: CallRouter,
    private readonly heartbeatSeconds: number,
    private readonly log: FastifyBaseLogger,
    onClosed: (connection: SessionConnection) => void,
  ) {
    // Listeners are attached before anything async can happen, so no early frame is lost.
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    socket.on('pong', () => (this.unansweredPings = 0));
    socket.on('error', (error) => log.warn({ err: error, sessionId }, 'session socket error'));
    socket.on('close', (code) => {
      this.unsubscribe();
      router.closeSession(sessionId, CLEAN_CLOSE_CODES.has(code) ? 'closed' : 'lost');
      onClosed(this);
    });

    this.unsubscribe = router.bus.subscribe(sessionId, (message) => this.send(message));
    const { presence } = router.openSession(sessionId, identity.tenant.id, identity.user);
    this.send({
      type: 'hello',
      sessionId,
      user: {
        id: identity.user.id,
        name: identity.user.displayName,
        reference: identity.user.reference,
        role: identity.user.role,
        tenant: { id: identity.tenant.id, name: identity.tenant.name },
      },
      addresses: [privateAddress(identity.user.username)],
      presence,
      online: false,
      heartbeatSeconds: this.heartbeatSeconds,
    });
    this.send({ type: 'incoming_calls', calls: router.incomingCalls(sessionId) });
  }

  /**
   * Called every heartbeat interval. A socket that answered none of the last two pings is
   * dead (a sleeping laptop, a dropped network): it is terminated, which ends the session.
   */
  heartbeat(): void {
    if (this.unansweredPings >= 2) {
      this.log.info({ sessionId: this.sessionId }, 'session missed two heartbeats; terminating');
      this.socket.terminate();
      return;
    }
    this.unansweredPings++;
    this.socket.ping();
  }

  private send(message: ServerMessage): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private receive(data: RawData, isBinary: boolean): void {
    // Any frame proves the connection is alive, as a pong does.
    this.unansweredPings = 0;
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
      case 'call.dial':
        // The reply is the call's first `outgoing_call` frame, which carries the requestId.
        return router.dial(sessionId, message.to, message.params ?? {}, requestId);
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
    }
  }

  private fail(error: unknown, requestId: string | undefined): void {
    const { frame, unexpected } = errorFrame(error, requestId);
    if (unexpected)
      this.log.error({ err: error, sessionId: this.sessionId }, 'session command failed');
    this.send(frame);
  }
}

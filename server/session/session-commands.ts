/**
 * The tenant owner's side of an agent tab: opening or resuming its session, running each of its
 * commands on the router, and ending it. Everything it says to the tab — `hello`, replies,
 * `error` frames — goes out through the router's event bus addressed to the session, exactly
 * like the pushes, so one node's gateway (session-connection.ts) can hold the socket while
 * another node owns the tenant (server/cluster). In one process the bus delivers synchronously,
 * so the order a tab sees is what it always was: the reply, then the pushes it caused.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { ClientMessage, Presence, ServerMessage } from '../../protocol/session-protocol.ts';
import type { CallRouter } from '../routing/index.ts';
import type { TenantRecord, UserRecord } from '../directory/directory.ts';
import { privateAddress } from '../directory/directory.ts';
import { isPhoneNumberLike, type PhoneDialing } from '../sip/phone-dialing.ts';
import { AppError } from '../shared/errors.ts';
import { errorFrame } from './client-messages.ts';
import type { CallLimits } from '../calls/call-limits.ts';

export interface SessionIdentity {
  user: UserRecord;
  tenant: TenantRecord;
}

/** A tab opening its socket: a fresh session id, or the one it had (`?resume=`). */
export interface OpenSession {
  identity: SessionIdentity;
  freshSessionId: string;
  resumeSessionId?: string;
}

/**
 * How a tab's socket went away: closed for good, or detached (it may come back within
 * `resumeMs`): lost, or `closing` — its page went away (a reload or a closed tab).
 */
export type SessionEnd =
  | { kind: 'close'; cause: 'closed' | 'lost' }
  | { kind: 'detach'; resumeMs: number; closing?: boolean };

export interface SessionCommandsOptions {
  heartbeatSeconds: number;
  /** Caps on live calls; a tab's dial counts for its user and tenant. */
  limits: CallLimits;
  /**
   * Dialled phone numbers and transfers to them (server/sip): refused clearly where this server
   * cannot call phones.
   */
  phones?: PhoneDialing;
  /**
   * The names of the skills the tenant's people hold: a transfer requiring any other is
   * refused, since it could ring nobody. Without it, transfers are not checked.
   */
  tenantSkillNames?: (tenantId: string) => Promise<readonly string[]>;
  /** Resolves once every call placed so far is recorded (CallRecords.flush). */
  recordsWritten: () => Promise<void>;
  log: Pick<FastifyBaseLogger, 'error'>;
}

export class SessionCommands {
  constructor(
    private readonly router: CallRouter,
    private readonly options: SessionCommandsOptions,
  ) {}

  /**
   * The session id this tab will have: the one it resumes when that session waits for it (or
   * is still attached to a socket of the same user that has not been noticed dead yet), else
   * the fresh one.
   */
  chooseSessionId({ identity, freshSessionId, resumeSessionId }: OpenSession): string {
    const { router } = this;
    if (resumeSessionId === undefined) return freshSessionId;
    return router.isResumable(resumeSessionId, identity.tenant.id, identity.user.id) ||
      router.isAttachedTo(resumeSessionId, identity.tenant.id, identity.user.id)
      ? resumeSessionId
      : freshSessionId;
  }

  /**
   * Opens (or resumes) the session and sends `hello`, then the tab's lists, as one routing
   * step. Returns the session id chosen.
   */
  open(request: OpenSession, resumeMs: number): string {
    const { router } = this;
    const { identity } = request;
    const sessionId = this.chooseSessionId(request);
    router.batch(() => {
      let resumed = null;
      if (sessionId === request.resumeSessionId) {
        // Its old socket is gone (another node died, or the network dropped it) but nobody
        // noticed yet: that socket gives way, as a superseded one does.
        if (!router.isResumable(sessionId, identity.tenant.id, identity.user.id))
          router.detachSession(sessionId, Math.max(resumeMs, 1));
        resumed = router.resumeSession(sessionId, identity.tenant.id, identity.user.id);
      }
      const { presence } =
        resumed ?? router.openSession(sessionId, identity.tenant.id, identity.user);
      this.sendHello(sessionId, identity, presence, resumed?.online ?? false, resumed !== null);
      for (const call of resumed ? router.outgoingCalls(sessionId) : [])
        this.send(sessionId, { type: 'outgoing_call', call });
      this.send(sessionId, { type: 'incoming_calls', calls: router.incomingCalls(sessionId) });
    });
    return sessionId;
  }

  /** The tab's socket went away. */
  end(sessionId: string, how: SessionEnd): void {
    if (how.kind === 'close') this.router.closeSession(sessionId, how.cause);
    else this.router.detachSession(sessionId, how.resumeMs, how.closing ?? false);
  }

  /** Runs one validated command; the reply or `error` frame goes to the session. */
  execute(sessionId: string, message: ClientMessage): void {
    try {
      const pending = this.run(sessionId, message);
      if (pending)
        pending.catch((error: unknown) => this.fail(sessionId, error, message.requestId));
    } catch (error) {
      this.fail(sessionId, error, message.requestId);
    }
  }

  private send(sessionId: string, message: ServerMessage): void {
    this.router.bus.publish(sessionId, message);
  }

  private sendHello(
    sessionId: string,
    identity: SessionIdentity,
    presence: Presence,
    online: boolean,
    resumed: boolean,
  ): void {
    this.send(sessionId, {
      type: 'hello',
      sessionId,
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
      heartbeatSeconds: this.options.heartbeatSeconds,
    });
  }

  /** Runs one command; returns a promise only for those that look an address up (dial, transfer). */
  private run(sessionId: string, message: ClientMessage): Promise<unknown> | void {
    const { router } = this;
    const requestId = message.requestId;
    const send = (reply: ServerMessage) => this.send(sessionId, reply);
    const ok = () => requestId && send({ type: 'ok', requestId });
    switch (message.type) {
      case 'ping':
        return send({ type: 'pong', ...(requestId ? { requestId } : {}) });
      case 'online':
        return router.batch(() => {
          const { addresses, presence } = router.comeOnline(sessionId);
          send({ type: 'registered', ...(requestId ? { requestId } : {}), addresses, presence });
        });
      case 'offline':
        return router.batch(() => {
          const presence = router.goOffline(sessionId);
          send({ type: 'unregistered', ...(requestId ? { requestId } : {}), presence });
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
        const session = router.sessionOf(sessionId);
        if (!session) return router.dial(sessionId, message.to); // refused: no such session
        const { tenantId, userId } = session;
        // The reply is the call's first `outgoing_call` frame, which carries the requestId. Like
        // the HTTP API's 201 it promises the call exists, so the tab hears of the call only once
        // its record is written: a crash right after cannot lose it (the next boot records it as
        // failed). Agents ring at once all the same: a ring promises nobody anything, and the
        // dialling tab waits for one write (flush cuts the records' batching delay short), not
        // for the ring.
        const place = async () => {
          const release = router.bus.hold(sessionId);
          try {
            await this.options.limits.place(
              { tenantId, userId },
              () => router.dial(sessionId, message.to, message.params ?? {}, requestId),
              (call) => call.status === 'disconnected',
            );
            await this.options.recordsWritten();
          } finally {
            release();
          }
        };
        const { phones } = this.options;
        if (isPhoneNumberLike(message.to) && phones)
          return phones.requireOutbound(tenantId).then(place);
        return place();
      }
      case 'call.transfer': {
        // A phone number: the phone is handed to it through its own network (blind only).
        const { phones } = this.options;
        if (isPhoneNumberLike(message.to) && phones) {
          if (message.mode !== 'blind')
            throw new AppError('bad-request', 'a transfer to a phone number is blind only');
          return phones.transferOut(router, sessionId, message.callId, message.to).then(() => ok());
        }
        const transfer = () =>
          router.transfer(sessionId, message.callId, message.to, message.mode, ok, {
            requiredSkills: message.skills,
          });
        const required = Object.keys(message.skills ?? {});
        const tenantId = router.sessionOf(sessionId)?.tenantId;
        const { tenantSkillNames } = this.options;
        // No session: the router refuses it as it refuses every command of one.
        if (required.length === 0 || !tenantSkillNames || !tenantId) return transfer();
        return tenantSkillNames(tenantId).then((known) => {
          const unknown = required.filter((skill) => !known.includes(skill));
          if (unknown.length > 0) throw unknownSkills(unknown);
          return transfer();
        });
      }
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

  private fail(sessionId: string, error: unknown, requestId: string | undefined): void {
    const { frame, unexpected } = errorFrame(error, requestId);
    if (unexpected) this.options.log.error({ err: error, sessionId }, 'session command failed');
    this.send(sessionId, frame);
  }
}

/** A transfer asked for skills nobody in the tenant holds: it could only ring nobody. */
function unknownSkills(names: readonly string[]): AppError {
  const quoted = names.map((name) => `"${name}"`).join(', ');
  return names.length === 1
    ? new AppError('bad-request', `unknown skill ${quoted}: nobody here holds it`)
    : new AppError('bad-request', `unknown skills ${quoted}: nobody here holds them`);
}

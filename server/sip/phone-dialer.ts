/**
 * Agents calling phones. Routing places an agent's dial of a phone number as a call whose target
 * is the phone (`target.kind === 'phone'`); the dialing tab joins the call's room at once, as for
 * any call it dials. Here the phone is brought into that room: LiveKit SIP's
 * `CreateSIPParticipant` through the outbound trunk, from the tenant's caller ID, waiting until
 * the phone answers. Its answer connects the call (`router.phoneAnswered`); a refusal, no answer
 * or a failed line ends it with the matching reason. Once connected the phone is an external
 * party of the room (CallMedia): its hanging up ends the call, and the call's end closes the room,
 * which hangs the phone up (BYE); a call cancelled while the phone rings closes the room too,
 * which makes LiveKit SIP cancel the INVITE.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { SipClient } from 'livekit-server-sdk';
import type { EndReason } from '../../protocol/session-protocol.ts';
import type { CallMedia } from '../media/call-media.ts';
import { callRoomName } from '../media/livekit-tokens.ts';
import type { PhoneNumberRepository } from '../phone-numbers/phone-number-repository.ts';
import { PHONE_RING_TIMEOUT_SECONDS, type CallRouter, type LiveCall } from '../routing/index.ts';

/** LiveKit's participant identity for the phone a call dials. */
export const dialedPhoneIdentity = (callId: string) => `phone:${callId}`;

export interface PhoneDialerDependencies {
  sip: Pick<SipClient, 'createSipParticipant'>;
  /** The outbound trunk's id once provisioned. */
  outboundTrunkId: () => string | undefined;
  router: Pick<CallRouter, 'phoneAnswered' | 'endCall' | 'observeTransitions'>;
  media: Pick<CallMedia, 'addDialedPhone'>;
  numbers: Pick<PhoneNumberRepository, 'callerIdOf'>;
  log: FastifyBaseLogger;
}

/** The SIP final response LiveKit SIP reports in a failed CreateSIPParticipant, if any. */
export function sipStatusOf(error: unknown): number | undefined {
  const metadata = (error as { metadata?: Record<string, string> } | null)?.metadata;
  const fromMetadata = Number(metadata?.['sip_status_code']);
  if (fromMetadata >= 300 && fromMetadata < 700) return fromMetadata;
  const message = error instanceof Error ? error.message : String(error);
  const match = /\b([3-6][0-9]{2})\b/.exec(message);
  return match ? Number(match[1]) : undefined;
}

/** How a dial that did not connect ends: the phone refused, nobody answered, or the line failed. */
export function dialOutcome(error: unknown): EndReason {
  const status = sipStatusOf(error);
  if (status === 486 || status === 600 || status === 603) return 'rejected';
  if (status === 408 || status === 480 || status === 487) return 'no_answer';
  const code = (error as { code?: string } | null)?.code;
  if (status === undefined && code === 'deadline_exceeded') return 'no_answer';
  return 'failed';
}

export class PhoneDialer {
  private stopObserving?: () => void;
  /** Dials in flight, so closing can wait for them. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  constructor(private readonly deps: PhoneDialerDependencies) {}

  start(): void {
    this.stopObserving = this.deps.router.observeTransitions((transitions) => {
      for (const transition of transitions) {
        if (transition.type !== 'callPlaced' || transition.call.target.kind !== 'phone') continue;
        if (this.closed) continue;
        void this.track(this.dial(transition.call));
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopObserving?.();
    await Promise.allSettled([...this.inFlight]);
  }

  private async dial(call: Readonly<LiveCall>): Promise<void> {
    const { router, log } = this.deps;
    const { tenantId, id: callId } = call;
    const number = call.target.kind === 'phone' ? call.target.number : '';
    const details = { callId, tenantId, number };
    const trunkId = this.deps.outboundTrunkId();
    if (!trunkId) {
      log.error(details, 'cannot call a phone: the outbound trunk is not provisioned (yet)');
      return router.endCall(tenantId, callId, 'failed');
    }
    let callerId: string | null;
    try {
      callerId = await this.deps.numbers.callerIdOf(tenantId);
    } catch (error) {
      log.error({ ...details, err: error }, "could not read the tenant's caller ID");
      return router.endCall(tenantId, callId, 'failed');
    }
    if (!callerId) {
      log.warn(details, 'cannot call a phone: the tenant has no phone number to call from');
      return router.endCall(tenantId, callId, 'failed');
    }
    const identity = dialedPhoneIdentity(callId);
    // The call ended (the agent cancelled) before the phone could be called: nothing to do.
    if (!this.deps.media.addDialedPhone(callId, { identity, name: call.to.name })) return;
    const startedAt = Date.now();
    try {
      await this.deps.sip.createSipParticipant(trunkId, number, callRoomName(tenantId, callId), {
        fromNumber: callerId,
        participantIdentity: identity,
        participantName: call.to.name,
        ringingTimeout: PHONE_RING_TIMEOUT_SECONDS,
        waitUntilAnswered: true,
        timeout: PHONE_RING_TIMEOUT_SECONDS + 5,
      });
    } catch (error) {
      const reason = dialOutcome(error);
      log.info(
        { ...details, reason, sipStatus: sipStatusOf(error), err: error },
        'the dialed phone did not answer',
      );
      return router.endCall(tenantId, callId, reason);
    }
    log.info({ ...details, afterMs: Date.now() - startedAt }, 'the dialed phone answered');
    router.phoneAnswered(tenantId, callId);
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    const settled = () => void this.inFlight.delete(work);
    work.then(settled, settled);
    return work;
  }
}

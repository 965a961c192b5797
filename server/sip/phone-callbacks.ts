/**
 * Calls to phones through the HTTP API: callbacks. `POST /api/calls` with a phone number in `to`
 * and one of the tenant's addresses in `from` (`/group/support`, `/private/ada`) rings the phone
 * first, from the tenant's caller ID (LiveKit SIP's CreateSIPParticipant, into a room of its
 * own, waiting until answered). Once the phone answers, the call is placed in routing as if the
 * phone had called `from` (origin `phone`): it rings the group or the person, queues, is
 * answered, held, transferred and recorded like a phone calling in, and CallMedia adopts the
 * phone's room as the call's room, as for a phone calling in (`PhoneCalls`).
 *
 * Why the phone first and the agents after: a callback is the tenant keeping a promise to call a
 * customer back; agents are rung only for a customer who is on the line, never for a phone that
 * turns out to be busy or unanswered. While its group rings, the phone hears the group's waiting
 * audio when it has some, else silence (the phone has answered; ringback cannot come back).
 *
 * A tenant may have at most `maxRingingPerTenant` phones ringing at once
 * (MAX_RINGING_CALLBACKS_PER_TENANT): past it a request is refused with 429 and nothing is dialled.
 * Why a limit of its own: the live-call limits count a callback only once it is a call (the
 * phone answered), so without it one API key could ring any number of phones at once through
 * the tenant's carrier. A place is taken with the dial and given back when the phone answers,
 * refuses or rings out.
 *
 * A phone that does not answer never reaches routing: its callback is recorded on its own
 * (`CallRecords.recordUnrouted`, id = the callback's id), `rejected` (busy, declined),
 * `no_answer` or `failed` (the line), with `params.callbackId`; an answered callback's routing
 * call carries the same parameter.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { ParticipantInfo_Kind } from '@livekit/protocol';
import type { RoomServiceClient, SipClient, WebhookEvent } from 'livekit-server-sdk';
import type { Party } from '../../protocol/session-protocol.ts';
import type { CallRecords } from '../calls/call-records.ts';
import type { Directory } from '../directory/directory.ts';
import type { CallMedia } from '../media/call-media.ts';
import type { PhoneNumberRepository } from '../phone-numbers/phone-number-repository.ts';
import { formatForPeople, toE164 } from '../phone-numbers/phone-number-format.ts';
import { PHONE_RING_TIMEOUT_SECONDS, type CallRouter } from '../routing/index.ts';
import { AppError, TooManyRequests } from '../shared/errors.ts';
import type { GroupWaitingAudio } from './group-waiting-audio.ts';
import { dialOutcome, sipStatusOf } from './phone-dialer.ts';
import { NEEDS_CALLER_ID, NEEDS_CARRIER } from './phone-dialing.ts';
import type { PhoneWaiting } from './phone-waiting.ts';
import { durations } from '../calls/call-schemas.ts';

/** Rooms of callbacks: not `sbphone_` (those are phones calling in, `PhoneCalls`). */
export const CALLBACK_ROOM_PREFIX = 'sbcallback';
const isCallbackRoom = (room: string) => room.startsWith(`${CALLBACK_ROOM_PREFIX}_`);
const callbackAddressPattern = /^\/(private|group)\/(.+)$/;

export interface CallbackRequest {
  /** The phone to call, as the client wrote it ("+1 415 555 0199"). */
  to: string;
  /** Who takes the call once the phone answers: `/group/<name>` or `/private/<username>`. */
  from: string;
  params?: Record<string, string>;
  priority?: number;
  skills?: Record<string, number>;
}

/** What the API answers at once (202): the phone is being rung. */
export interface CallbackStarted {
  callbackId: string;
  status: 'dialing';
  to: Party;
  from: Party;
}

export interface PhoneCallbacksDependencies {
  sip: Pick<SipClient, 'createSipParticipant'>;
  outboundTrunkId: () => string | undefined;
  router: Pick<CallRouter, 'placeCall' | 'endCall'>;
  media: Pick<CallMedia, 'adoptCallerRoom'>;
  rooms: Pick<RoomServiceClient, 'deleteRoom'>;
  numbers: Pick<PhoneNumberRepository, 'callerIdOf'>;
  directory: Pick<Directory, 'userByUsername' | 'ringGroupByName'>;
  waiting: Pick<PhoneWaiting, 'phoneCallPlaced'>;
  groups: Pick<GroupWaitingAudio, 'of'>;
  records: Pick<CallRecords, 'recordUnrouted'>;
  /** Phones one tenant's callbacks may have ringing at once. */
  maxRingingPerTenant: number;
  log: FastifyBaseLogger;
}

/** How soon a refused request may expect a ringing phone to be answered or to ring out. */
const RETRY_AFTER_SECONDS = 5;

interface Callback {
  tenantId: string;
  room: string;
  /** The phone left after answering, before its call existed: end the call once it does. */
  gone: boolean;
  call?: { tenantId: string; id: string };
}

export class PhoneCallbacks {
  private readonly callbacks = new Map<string, Callback>();
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Phones being rung now, per tenant. */
  private readonly ringing = new Map<string, number>();
  private closed = false;

  constructor(private readonly deps: PhoneCallbacksDependencies) {}

  /**
   * Checks the request (the number, the destination, this server's carrier, the tenant's caller
   * ID: a refusal creates nothing) and starts ringing the phone.
   */
  async start(tenantId: string, request: CallbackRequest): Promise<CallbackStarted> {
    const number = toE164(request.to);
    if (!number)
      throw new AppError(
        'bad-request',
        `cannot call "${request.to}": not a valid international phone number (start it with + and the country code)`,
      );
    const destination = await this.destination(tenantId, request.from);
    const trunkId = this.deps.outboundTrunkId();
    if (!trunkId) throw new AppError('wrong-state', NEEDS_CARRIER);
    const callerId = await this.deps.numbers.callerIdOf(tenantId);
    if (!callerId) throw new AppError('wrong-state', NEEDS_CALLER_ID);
    if (this.closed) throw new AppError('wrong-state', 'call control is shutting down');
    // Checked and taken in one synchronous stretch, after the last await: a burst cannot slip by.
    this.takeRingingPlace(tenantId);

    const callbackId = randomUUID();
    const room = `${CALLBACK_ROOM_PREFIX}_${callbackId}`;
    const phone: Party = { name: formatForPeople(number), address: number };
    const callback: Callback = { tenantId, room, gone: false };
    this.callbacks.set(room, callback);
    void this.track(
      this.dial(callback, {
        callbackId,
        trunkId,
        callerId,
        number,
        phone,
        destination,
        request,
      }),
    );
    return { callbackId, status: 'dialing', to: phone, from: destination.party };
  }

  /** Phones this tenant's callbacks are ringing now (for tests). */
  ringingCount(tenantId: string): number {
    return this.ringing.get(tenantId) ?? 0;
  }

  private takeRingingPlace(tenantId: string): void {
    const { maxRingingPerTenant } = this.deps;
    const count = this.ringing.get(tenantId) ?? 0;
    if (count >= maxRingingPerTenant)
      throw new TooManyRequests(
        `limit reached: at most ${maxRingingPerTenant} callbacks may ring phones at once for this tenant (MAX_RINGING_CALLBACKS_PER_TENANT); nothing was dialled: try again once one is answered or rings out`,
        RETRY_AFTER_SECONDS,
      );
    this.ringing.set(tenantId, count + 1);
  }

  private giveRingingPlace(tenantId: string): void {
    const count = (this.ringing.get(tenantId) ?? 1) - 1;
    if (count > 0) this.ringing.set(tenantId, count);
    else this.ringing.delete(tenantId);
  }

  /** LiveKit's webhooks, after CallMedia has seen them: a callback's phone leaving early. */
  handleWebhook(event: WebhookEvent): void {
    const room = event.room?.name ?? '';
    if (!isCallbackRoom(room)) return;
    const callback = this.callbacks.get(room);
    if (!callback || callback.call) return;
    const leftPhone =
      event.event === 'participant_left' &&
      // livekit-server-sdk carries its own copy of @livekit/protocol: same wire values.
      // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-comparison
      event.participant?.kind === ParticipantInfo_Kind.SIP;
    if (leftPhone || event.event === 'room_finished') callback.gone = true;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
  }

  private async destination(
    tenantId: string,
    address: string,
  ): Promise<{ party: Party; groupId: string | null }> {
    const match = callbackAddressPattern.exec(address);
    if (!match)
      throw new AppError(
        'bad-request',
        `a call to a phone number needs "from": the /group/<name> or /private/<username> that takes the call once the phone answers (got "${address}")`,
      );
    const [, kind, name] = match;
    if (kind === 'private') {
      const user = await this.deps.directory.userByUsername(tenantId, name);
      if (!user) throw new AppError('not-found', `nobody at ${address}`);
      return { party: { name: user.displayName, address }, groupId: null };
    }
    const group = await this.deps.directory.ringGroupByName(tenantId, name);
    if (!group) throw new AppError('not-found', `no ring group at ${address}`);
    return { party: { name: group.name, address }, groupId: group.id };
  }

  private async dial(
    callback: Callback,
    details: {
      callbackId: string;
      trunkId: string;
      callerId: string;
      number: string;
      phone: Party;
      destination: { party: Party; groupId: string | null };
      request: CallbackRequest;
    },
  ): Promise<void> {
    const { tenantId, room } = callback;
    const { callbackId, number, phone, destination, request } = details;
    const log = this.deps.log.child({ callbackId, tenantId, number });
    const identity = `phone:${callbackId}`;
    const params = { ...request.params, callbackId };
    const startedAt = Date.now();
    try {
      await this.deps.sip.createSipParticipant(details.trunkId, number, room, {
        fromNumber: details.callerId,
        participantIdentity: identity,
        participantName: phone.name,
        ringingTimeout: PHONE_RING_TIMEOUT_SECONDS,
        waitUntilAnswered: true,
        timeout: PHONE_RING_TIMEOUT_SECONDS + 5,
      });
    } catch (error) {
      this.giveRingingPlace(tenantId);
      const reason = dialOutcome(error);
      log.info(
        { reason, sipStatus: sipStatusOf(error), err: error },
        'the callback was not answered',
      );
      this.callbacks.delete(room);
      const endedAt = Date.now();
      const times = { createdAt: startedAt, answeredAt: null, endedAt };
      this.deps.records.recordUnrouted({
        id: callbackId,
        tenantId,
        fromName: phone.name,
        fromAddress: phone.address,
        fromUserId: null,
        toAddress: destination.party.address,
        ringGroupId: destination.groupId,
        origin: 'phone',
        params,
        status: 'ended',
        endReason: reason,
        answeredByUserId: null,
        ...times,
        ...durations(times),
        holdMs: null,
        missedRings: 0,
        declinedRings: 0,
      });
      return this.closeRoom(room, log);
    }
    this.giveRingingPlace(tenantId);
    log.info({ afterMs: Date.now() - startedAt }, 'the callback phone answered');
    let call;
    try {
      call = await this.deps.router.placeCall(tenantId, {
        from: phone,
        to: destination.party.address,
        params,
        origin: 'phone',
        ...(request.priority !== undefined ? { priority: request.priority } : {}),
        ...(request.skills ? { requiredSkills: request.skills } : {}),
      });
    } catch (error) {
      // The destination went away while the phone rang: the phone is hung up, not left waiting.
      log.warn({ err: error }, "could not place an answered callback's call; hanging up");
      this.callbacks.delete(room);
      return this.closeRoom(room, log);
    }
    // Synchronously after placing it: no accept can have arrived yet.
    this.deps.media.adoptCallerRoom(tenantId, call.id, { room, identity, name: phone.name });
    callback.call = { tenantId, id: call.id };
    this.callbacks.delete(room);
    if (callback.gone) return this.deps.router.endCall(tenantId, call.id, 'hangup');
    const choice = destination.groupId
      ? await this.deps.groups.of(tenantId, destination.groupId).catch(() => null)
      : null;
    this.deps.waiting.phoneCallPlaced({ id: call.id, tenantId }, room, choice);
  }

  private async closeRoom(room: string, log: FastifyBaseLogger): Promise<void> {
    try {
      await this.deps.rooms.deleteRoom(room);
    } catch (error) {
      // LiveKit SIP closes a room it could not bring a phone into on its own; nothing to undo.
      log.debug({ err: error }, "could not close a callback's room");
    }
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    const settled = () => void this.inFlight.delete(work);
    work.then(settled, settled);
    return work;
  }
}

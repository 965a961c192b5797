/**
 * Phones calling in. LiveKit SIP puts each incoming call in a room of its own (the dispatch
 * rule of `sip-provisioning.ts`) and its participant joins while the phone still rings; the
 * webhook of that join is where a phone becomes an ordinary inbound call: the number it dialled
 * gives the tenant and the destination (`PhoneNumberRepository.route`), the router places the
 * call there like `POST /api/calls`, and CallMedia adopts the phone's room as the call's room.
 * From then on the call rings groups, queues, transfers, holds and is recorded like any other;
 * the phone's leaving ends it (CallMedia), and its end closes the room, which hangs the phone up.
 *
 * A number nobody has (or one routed nowhere) is refused by closing the room before anyone
 * rings: LiveKit SIP then rejects the INVITE. A number routed to a script plays it to the caller
 * instead (`PhoneScripts`), with no call in routing.
 */
import type { FastifyBaseLogger } from 'fastify';
import { ParticipantInfo_Kind } from '@livekit/protocol';
import type { RoomServiceClient, WebhookEvent } from 'livekit-server-sdk';
import type { CallMedia } from '../media/call-media.ts';
import type {
  PhoneNumberRepository,
  PhoneRoute,
} from '../phone-numbers/phone-number-repository.ts';
import { formatForPeople } from '../phone-numbers/phone-number-format.ts';
import type { CallRouter } from '../routing/index.ts';
import { DIALLED_NUMBER_ATTRIBUTE, phoneCallerParty } from './phone-caller.ts';
import type { PhoneScripts } from './phone-scripts.ts';
import type { PhoneWaiting } from './phone-waiting.ts';
import { PHONE_ROOM_PREFIX } from './sip-provisioning.ts';

/** Rooms handled (or being handled) are remembered this long, so a repeated webhook is ignored. */
const HANDLED_ROOM_MEMORY_MS = 10 * 60_000;

export interface PhoneCallsDependencies {
  router: Pick<CallRouter, 'placeCall' | 'endCall'>;
  media: Pick<CallMedia, 'adoptCallerRoom'>;
  rooms: Pick<RoomServiceClient, 'deleteRoom'>;
  numbers: Pick<PhoneNumberRepository, 'route'>;
  /** Greeting and music while the caller waits or holds, for groups that have them. */
  waiting: Pick<PhoneWaiting, 'phoneCallPlaced'>;
  /** Numbers routed to a script play it to the caller (no call is placed). */
  scripts: Pick<PhoneScripts, 'play' | 'phoneLeft'>;
  log: FastifyBaseLogger;
}

interface IncomingPhoneCall {
  room: string;
  handledAt: number;
  /** The phone left before its call existed: end the call as soon as it does. */
  gone: boolean;
  call?: { tenantId: string; id: string };
}

export const isPhoneRoom = (room: string) => room.startsWith(`${PHONE_ROOM_PREFIX}_`);

export class PhoneCalls {
  private readonly incoming = new Map<string, IncomingPhoneCall>();
  /** Work in flight, so closing can wait for it. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  constructor(private readonly deps: PhoneCallsDependencies) {}

  /** LiveKit's webhooks, after CallMedia has seen them. Only phone rooms matter here. */
  handleWebhook(event: WebhookEvent): void {
    const room = event.room?.name ?? '';
    if (this.closed || !isPhoneRoom(room)) return;
    const participant = event.participant;
    if (event.event === 'participant_joined' && isPhone(participant)) {
      if (this.incoming.has(room)) return; // a webhook delivered twice
      this.forgetOld();
      const incoming: IncomingPhoneCall = { room, handledAt: Date.now(), gone: false };
      this.incoming.set(room, incoming);
      void this.track(
        this.answer(incoming, participant.identity, participant.name, participant.attributes),
      );
      return;
    }
    if (
      (event.event === 'participant_left' && isPhone(participant)) ||
      event.event === 'room_finished'
    ) {
      const incoming = this.incoming.get(room);
      // Once the call exists CallMedia ends it; before that, it is ended as soon as it exists.
      if (incoming && !incoming.call) incoming.gone = true;
      this.deps.scripts.phoneLeft(room);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
  }

  private async answer(
    incoming: IncomingPhoneCall,
    identity: string,
    participantName: string,
    attributes: Record<string, string>,
  ): Promise<void> {
    const { log } = this.deps;
    const dialled = attributes[DIALLED_NUMBER_ATTRIBUTE] ?? '';
    let route: PhoneRoute | null;
    try {
      route = await this.deps.numbers.route(dialled);
    } catch (error) {
      log.error(
        { err: error, room: incoming.room },
        'could not look up the number a phone dialled',
      );
      return this.refuse(incoming, dialled, 'the number lookup failed');
    }
    if (!route) return this.refuse(incoming, dialled, 'no tenant has this number');
    if (route.kind === 'nowhere')
      return this.refuse(
        incoming,
        dialled,
        'the number routes nowhere (its group or user was deleted)',
      );
    if (route.kind === 'script') {
      if (incoming.gone) return;
      this.deps.scripts.play(incoming.room, route.script, {
        tenantId: route.tenantId,
        number: route.number,
        caller: phoneCallerParty(attributes),
      });
      return;
    }
    const from = phoneCallerParty(attributes);
    let call;
    try {
      call = await this.deps.router.placeCall(route.tenantId, {
        from,
        to: route.address,
        params: { calledNumber: formatForPeople(route.number) },
        origin: 'phone',
        // The number's route may require skills of whoever rings (admin's phone numbers).
        ...(route.skills ? { requiredSkills: route.skills } : {}),
      });
    } catch (error) {
      log.warn(
        { err: error, room: incoming.room, tenantId: route.tenantId, to: route.address },
        "could not place a phone's call",
      );
      return this.refuse(incoming, dialled, 'its destination cannot be called');
    }
    // Synchronously after placing it: no accept can have arrived yet.
    this.deps.media.adoptCallerRoom(route.tenantId, call.id, {
      room: incoming.room,
      identity,
      name: participantName || from.name,
    });
    incoming.call = { tenantId: route.tenantId, id: call.id };
    if (!incoming.gone)
      this.deps.waiting.phoneCallPlaced(
        { id: call.id, tenantId: route.tenantId },
        incoming.room,
        route.waiting ?? null,
      );
    log.info(
      { callId: call.id, tenantId: route.tenantId, to: route.address, room: incoming.room },
      'a phone call came in',
    );
    if (incoming.gone) this.deps.router.endCall(route.tenantId, call.id, 'caller_cancelled');
  }

  /** Closing the room disconnects the phone's participant; LiveKit SIP rejects the INVITE. */
  private async refuse(incoming: IncomingPhoneCall, dialled: string, why: string): Promise<void> {
    this.deps.log.info({ room: incoming.room, dialled }, `refused a phone call: ${why}`);
    try {
      await this.deps.rooms.deleteRoom(incoming.room);
    } catch (error) {
      this.deps.log.warn(
        { err: error, room: incoming.room },
        "could not close a refused phone call's room",
      );
    }
  }

  private forgetOld(): void {
    const horizon = Date.now() - HANDLED_ROOM_MEMORY_MS;
    for (const [room, incoming] of this.incoming) {
      if (incoming.handledAt > horizon) break;
      this.incoming.delete(room);
    }
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    const settled = () => void this.inFlight.delete(work);
    work.then(settled, settled);
    return work;
  }
}

/** Whether a webhook's participant is a phone (LiveKit SIP's participant kind). */
function isPhone(
  participant: WebhookEvent['participant'],
): participant is NonNullable<WebhookEvent['participant']> {
  // livekit-server-sdk carries its own copy of @livekit/protocol: same wire values, two enums.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-comparison
  return participant?.kind === ParticipantInfo_Kind.SIP;
}

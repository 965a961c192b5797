/**
 * Gives answered calls their media: a LiveKit room per call, join credentials (`call_media`)
 * for exactly the answering agent's tab and the caller's tab, and the room closed when the call
 * ends. Reads LiveKit's webhooks back so that a party whose media goes away for good (a closed
 * tab, a lost network) ends the call on the other side.
 *
 * Media follows routing and never leads it: routing tells this class about calls through
 * `CallEvents` and carries on at once; everything here is asynchronous, and a failure is logged.
 * The only routing decision media takes is ending a call: `failed` when its room cannot be
 * created, `hangup` when a party left the room and did not come back within the grace period.
 * Nothing depends on how the embedded server times its webhooks, so a real LiveKit behaves the
 * same.
 */
import type { FastifyBaseLogger } from 'fastify';
import { ServerError, WebhookReceiver, type WebhookEvent } from 'livekit-server-sdk';
import type { EndReason, ServerMessage } from '../../protocol/session-protocol.ts';
import type { EventBus } from '../routing/event-bus.ts';
import type { LiveCall } from '../routing/live-state.ts';
import type { CallEvents } from '../routing/routing-context.ts';
import { AppError } from '../shared/errors.ts';
import type { MediaBackend } from './media-backend.ts';
import {
  callRoomName,
  JOIN_TOKEN_TTL_SECONDS,
  mintJoinToken,
  partyIdentity,
  type PartyRole,
} from './livekit-tokens.ts';

/** What media needs from routing: to push frames to sessions and to end a call. */
export interface CallControl {
  readonly bus: EventBus;
  endCall(tenantId: string, callId: string, reason: EndReason): void;
}

export interface CallMediaOptions {
  /**
   * How long a party may be out of the room before the call ends (MEDIA_LEAVE_GRACE_MS). A full
   * reconnect of livekit-client leaves and rejoins with the same identity within about a second.
   */
  leaveGraceMs: number;
}
/** A room nobody joins closes after this (LiveKit's default is 5 minutes). */
const ROOM_EMPTY_TIMEOUT_SECONDS = 60;
/** A room everyone left closes after this; a party that left ends the call sooner anyway. */
const ROOM_DEPARTURE_TIMEOUT_SECONDS = 10;

interface MediaParty {
  sessionId: string;
  identity: string;
  name: string;
}

/** One answered call's room, from answer until the call ends. */
interface CallRoom {
  callId: string;
  tenantId: string;
  name: string;
  parties: Map<string, MediaParty>;
  /** Each party's current connection (participant sid), as participant_joined reported it. */
  connections: Map<string, string>;
  /** Parties that left, each with the timer that ends the call unless it rejoins. */
  pendingEnds: Map<string, NodeJS.Timeout>;
  /** Whether any party ever joined (a room that finishes before anyone did means media failed). */
  joined: boolean;
  ended: boolean;
  /** Settles once CreateRoom answered: whether the room exists. */
  opened: Promise<boolean>;
}

export class CallMedia implements CallEvents {
  private control?: CallControl;
  private readonly rooms = new Map<string, CallRoom>();
  private readonly roomsByCall = new Map<string, CallRoom>();
  /**
   * Rooms of calls that ended here while their tokens may still be valid, oldest first, with
   * when that stops. LiveKit recreates a deleted room when someone joins it again.
   */
  private readonly endedRooms = new Map<string, number>();
  /** RoomService requests in flight, so closing can wait for them. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly receiver: WebhookReceiver;
  private readonly leaveGraceMs: number;
  private closing = false;

  constructor(
    readonly backend: MediaBackend,
    private readonly log: FastifyBaseLogger,
    options: CallMediaOptions,
  ) {
    this.receiver = new WebhookReceiver(backend.apiKey, backend.apiSecret);
    this.leaveGraceMs = options.leaveGraceMs;
  }

  /** The embedded media server when there is one (its `stats()` count forwarded streams). */
  get embedded() {
    return this.backend.embedded;
  }

  /** Routing is built after media (it takes media as its observer), so it is handed in here. */
  attach(control: CallControl): void {
    this.control = control;
  }

  // ------------------------------------------------------------------ routing events

  callAnswered(call: LiveCall): void {
    if (!call.answeredBy || this.closing) return;
    const name = callRoomName(call.tenantId, call.id);
    const parties = [
      this.party('agent', call.answeredBy.id, call.answeredBy.sessionId, call.answeredBy.name),
    ];
    // A call placed through the HTTP API has no caller tab: only the agent gets media.
    if (call.callerSessionId && call.fromUserId)
      parties.push(this.party('caller', call.fromUserId, call.callerSessionId, call.from.name));
    const room: CallRoom = {
      callId: call.id,
      tenantId: call.tenantId,
      name,
      parties: new Map(parties.map((party) => [party.identity, party])),
      connections: new Map(),
      pendingEnds: new Map(),
      joined: false,
      ended: false,
      opened: Promise.resolve(false),
    };
    this.rooms.set(name, room);
    this.roomsByCall.set(call.id, room);
    room.opened = this.track(this.open(room));
  }

  callEnded(call: LiveCall): void {
    const room = this.roomsByCall.get(call.id);
    if (!room) return;
    this.forget(room);
    if (!this.closing) this.track(this.closeRoom(room));
  }

  // ------------------------------------------------------------------ webhooks

  /** The event, if LiveKit (with our key pair) signed exactly this body; otherwise 401. */
  async verifyWebhook(body: string, authorization: string | undefined): Promise<WebhookEvent> {
    try {
      return await this.receiver.receive(body, authorization);
    } catch (error) {
      this.log.warn(
        { reason: (error as Error).message },
        'refused a LiveKit webhook that is not signed with our key',
      );
      throw new AppError('unauthorized', 'webhook signature is missing or invalid');
    }
  }

  handleWebhook(event: WebhookEvent): void {
    const roomName = event.room?.name ?? '';
    const room = this.rooms.get(roomName);
    const identity = event.participant?.identity ?? '';
    const details = { event: event.event, room: roomName, identity: identity || undefined };
    if (!room) {
      if (event.event === 'participant_joined' && this.endedRooms.has(roomName))
        return this.closeEndedRoom(roomName, identity);
      this.log.debug(details, 'LiveKit webhook for a room without a live call; ignored');
      return;
    }
    switch (event.event) {
      case 'participant_joined':
        return this.partyJoined(room, identity, event.participant?.sid ?? '');
      case 'participant_left':
      case 'participant_connection_aborted':
        return this.partyLeft(room, identity, event.participant?.sid ?? '');
      case 'room_finished':
        this.log.info(details, 'the media room of a live call finished; ending the call');
        this.control?.endCall(room.tenantId, room.callId, room.joined ? 'hangup' : 'failed');
        return;
      default:
        this.log.debug(details, 'LiveKit webhook ignored');
    }
  }

  // ------------------------------------------------------------------ shutdown

  /** Stops the grace timers, waits for RoomService requests in flight, then stops the backend. */
  async close(): Promise<void> {
    this.closing = true;
    for (const room of [...this.rooms.values()]) this.forget(room);
    await Promise.allSettled([...this.inFlight]);
    await this.backend.close();
  }

  // ------------------------------------------------------------------ internals

  private party(role: PartyRole, userId: string, sessionId: string, name: string): MediaParty {
    return { sessionId, identity: partyIdentity(role, userId, sessionId), name };
  }

  /** Creates the room, then sends each party its credentials, unless the call ended meanwhile. */
  private async open(room: CallRoom): Promise<boolean> {
    const { backend } = this;
    try {
      await backend.rooms.createRoom({
        name: room.name,
        emptyTimeout: ROOM_EMPTY_TIMEOUT_SECONDS,
        departureTimeout: ROOM_DEPARTURE_TIMEOUT_SECONDS,
      });
    } catch (error) {
      this.log.error(
        { err: error, callId: room.callId, room: room.name },
        'could not create the media room; ending the call as failed',
      );
      if (!room.ended) this.control?.endCall(room.tenantId, room.callId, 'failed');
      return false;
    }
    if (room.ended) return true;
    try {
      const credentials = await Promise.all(
        [...room.parties.values()].map(async (party) => ({
          party,
          token: await mintJoinToken(backend.apiKey, backend.apiSecret, {
            room: room.name,
            identity: party.identity,
            name: party.name,
          }),
        })),
      );
      if (room.ended) return true;
      for (const { party, token } of credentials) {
        const frame: ServerMessage = {
          type: 'call_media',
          callId: room.callId,
          url: backend.publicUrl,
          room: room.name,
          token,
          identity: party.identity,
        };
        this.control?.bus.publish(party.sessionId, frame);
      }
    } catch (error) {
      this.log.error(
        { err: error, callId: room.callId },
        'could not mint the media tokens of a call',
      );
    }
    return true;
  }

  /** DeleteRoom disconnects whoever is still in it (both parties, whatever their state). */
  private async closeRoom(room: CallRoom): Promise<void> {
    if (!(await room.opened)) return;
    await this.deleteRoom(room.name, { callId: room.callId });
  }

  private async deleteRoom(name: string, details: object): Promise<void> {
    try {
      await this.backend.rooms.deleteRoom(name);
    } catch (error) {
      // Already gone (its empty or departure timeout closed it first): nothing to do.
      if (error instanceof ServerError && (error.code === 'not_found' || error.status === 404))
        return;
      this.log.warn({ err: error, room: name, ...details }, 'could not close a media room');
    }
  }

  /**
   * Someone joined the room of a call that is over (a token is valid for a few minutes and
   * LiveKit recreates a deleted room on join): close it again, so an ended call stays ended.
   */
  private closeEndedRoom(name: string, identity: string): void {
    this.log.info(
      { room: name, identity },
      'a participant joined the room of an ended call; closing it',
    );
    this.track(this.deleteRoom(name, {}));
  }

  private partyJoined(room: CallRoom, identity: string, sid: string): void {
    if (!room.parties.has(identity)) return;
    room.joined = true;
    room.connections.set(identity, sid);
    const pending = room.pendingEnds.get(identity);
    if (pending) {
      clearTimeout(pending);
      room.pendingEnds.delete(identity);
      this.log.info(
        { callId: room.callId, identity },
        'a party rejoined the media room in time; the call goes on',
      );
    }
  }

  private partyLeft(room: CallRoom, identity: string, sid: string): void {
    if (!room.parties.has(identity)) {
      this.log.info(
        { callId: room.callId, identity },
        'a participant who is not a party of the call left its room; ignored',
      );
      return;
    }
    // Webhooks may arrive out of order: the old connection of a party that already rejoined.
    const current = room.connections.get(identity);
    if (current && sid && current !== sid) return;
    room.connections.delete(identity);
    if (room.pendingEnds.has(identity)) return;
    this.log.info(
      { callId: room.callId, identity, graceMs: this.leaveGraceMs },
      'a party left the media room; ending the call unless it rejoins',
    );
    const timer = setTimeout(() => {
      room.pendingEnds.delete(identity);
      if (!room.ended) this.control?.endCall(room.tenantId, room.callId, 'hangup');
    }, this.leaveGraceMs);
    room.pendingEnds.set(identity, timer);
  }

  private forget(room: CallRoom): void {
    const now = Date.now();
    for (const [name, until] of this.endedRooms) {
      if (until > now) break;
      this.endedRooms.delete(name);
    }
    this.endedRooms.set(room.name, now + JOIN_TOKEN_TTL_SECONDS * 1000);
    room.ended = true;
    for (const timer of room.pendingEnds.values()) clearTimeout(timer);
    room.pendingEnds.clear();
    this.rooms.delete(room.name);
    this.roomsByCall.delete(room.callId);
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    const settled = () => void this.inFlight.delete(work);
    work.then(settled, settled);
    return work;
  }
}

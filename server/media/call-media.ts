/**
 * Gives calls their media: a LiveKit room per call, join credentials (`call_media`) for exactly
 * the caller's tab (as soon as it dialed, so it is in the room before anyone answers) and the
 * answering agent's tab, and the room closed when the call ends. Reads LiveKit's webhooks back so that a party whose media goes away for good (a closed
 * tab, a lost network) ends the call on the other side.
 *
 * Media follows routing and never leads it: routing tells this class about calls through
 * `CallEvents` and carries on at once; everything here is asynchronous, and a failure is logged.
 * The only routing decision media takes is ending a call: `failed` when its room cannot be
 * created, `hangup` when a party left the room and did not come back within the grace period.
 * Nothing depends on how the embedded server times its webhooks, so a real LiveKit behaves the
 * same. LiveKit's webhooks are best-effort (late, twice, out of order, or never), so none is
 * trusted alone: a duplicate (same event id) or one about another instance of the room (room
 * sid) is ignored, a party's leave is checked against RoomService before the call ends, and
 * every `reconcileSeconds` each room's participants are listed: a party listed
 * before and missing now is treated as having left, and anyone who is not a party or an allowed
 * visitor (a supervisor, the script) is removed — e.g. an agent who handed the call on and
 * came back with its old token.
 */
import type { FastifyBaseLogger } from 'fastify';
import { DisconnectReason } from '@livekit/protocol';
import { ServerError, WebhookReceiver, type WebhookEvent } from 'livekit-server-sdk';
import type { EndReason, ServerMessage } from '../../protocol/session-protocol.ts';
import type { CallEnder, CallEvents, EventBus, LiveCall, MediaAgent } from '../routing/index.ts';
import { AppError } from '../shared/errors.ts';
import { systemScheduler, type CancelTimer, type Scheduler } from '../shared/scheduler.ts';
import type { MediaBackend } from './media-backend.ts';
import {
  callRoomName,
  isRoomVisitor,
  JOIN_TOKEN_TTL_SECONDS,
  mintJoinToken,
  partyIdentity,
  type PartyRole,
} from './livekit-tokens.ts';
import { RecentIds } from './recent-ids.ts';

/** What media needs from routing: to push frames to sessions and to end a call. */
export interface CallControl {
  readonly bus: EventBus;
  /** `by`: the party whose media went away for good (routing records who ended the call). */
  endCall(tenantId: string, callId: string, reason: EndReason, by?: CallEnder): void;
  /**
   * Whether this tab is away and may still come back (a reload, a lost socket): its leaving the
   * room is then not a hang-up; routing ends its calls if the tab does not come back in time.
   */
  isSessionWaiting(sessionId: string): boolean;
}

/**
 * A tab that came back (a reload) gets fresh credentials, then this long to rejoin the room
 * before its absence ends the call: a reloaded page loads the console and media again first.
 */
const REJOIN_AFTER_RESUME_MS = 15_000;

export interface CallMediaOptions {
  /**
   * How long a party may be out of the room before the call ends (MEDIA_LEAVE_GRACE_MS). A full
   * reconnect of livekit-client leaves and rejoins with the same identity within about a second.
   */
  leaveGraceMs: number;
  /** How often each live room is compared with LiveKit's list of its participants. */
  reconcileSeconds: number;
  /**
   * The clock and timers of the grace periods, the reconcile round, the delayed room close and
   * the ended rooms' token lifetime (tests pass a ManualScheduler and move time instead of
   * sleeping, as routing's do).
   */
  scheduler?: Scheduler;
}
/** A room nobody joins closes after this (LiveKit's default is 5 minutes). */
const ROOM_EMPTY_TIMEOUT_SECONDS = 60;
/**
 * A call's parties are told it ended and leave its room themselves; it is deleted this much
 * later, for whoever stays. Deleting it at once races their own leave: a real LiveKit then drops
 * their signalling sockets mid-read, which livekit-client reports as an error.
 */
const ROOM_CLOSE_DELAY_MS = 1_500;
/** A room everyone left closes after this; a party that left ends the call sooner anyway. */
const ROOM_DEPARTURE_TIMEOUT_SECONDS = 10;

interface MediaParty {
  sessionId: string;
  identity: string;
  name: string;
  /**
   * A caller that is not a tab (a phone, joined by LiveKit SIP): it never reconnects, so its
   * leaving ends the call at once, and a leave LiveKit blames on the line or the media ends
   * it as failed.
   */
  external?: boolean;
  /**
   * A phone the call dialed (LiveKit SIP calls it into the room): until it answers, how its
   * attempt ends is LiveKit SIP's answer to server/sip, not a leave seen here.
   */
  dialed?: boolean;
}

/** Why LiveKit says a participant left when its line or media failed (DisconnectReason). */
const FAILED_LINE_REASONS = new Set([
  DisconnectReason.SIP_TRUNK_FAILURE,
  DisconnectReason.MEDIA_FAILURE,
  DisconnectReason.CONNECTION_TIMEOUT,
  DisconnectReason.JOIN_FAILURE,
]);

/** The attribute in which LiveKit SIP keeps its call's state, and its value while the call is up. */
const SIP_CALL_STATUS_ATTRIBUTE = 'sip.callStatus';
const SIP_CALL_ACTIVE = 'active';

/** A caller already in a room of its own when its call is placed (see `adoptCallerRoom`). */
export interface ExternalCaller {
  /** The room it joined (LiveKit SIP's dispatch rule named it). */
  room: string;
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
  /**
   * Parties LiveKit listed in the room at a reconcile: missing from a later listing, they left
   * (whether or not a webhook said so).
   */
  listed: Set<string>;
  /** The room instance CreateRoom made (LiveKit's room sid); webhooks about others are ignored. */
  sid?: string;
  /** Parties that left, each with the timer that ends the call unless it rejoins. */
  pendingEnds: Map<string, CancelTimer>;
  /** Whether any party ever joined (a room that finishes before anyone did means media failed). */
  joined: boolean;
  /** Whether an agent answered: until then only the caller is a party (see `callPlaced`). */
  answered: boolean;
  /** The phone is being transferred to a number (REFER): its leaving does not end the call. */
  transferringOut?: boolean;
  /** The caller's room, adopted rather than created (a phone's); never reopened on answer. */
  adopted?: boolean;
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
  /** Webhook event ids already handled: LiveKit retries a delivery it thinks failed. */
  private readonly handledEvents = new RecentIds(5_000);
  private readonly scheduler: Scheduler;
  private readonly reconcileMs: number;
  private cancelReconcile: CancelTimer = () => {};
  private closing = false;
  /** Delayed room deletions, woken at once by `close()`. */
  private readonly pendingDeletes = new Set<() => void>();

  constructor(
    readonly backend: MediaBackend,
    private readonly log: FastifyBaseLogger,
    options: CallMediaOptions,
  ) {
    this.receiver = new WebhookReceiver(backend.apiKey, backend.apiSecret);
    this.leaveGraceMs = options.leaveGraceMs;
    this.scheduler = options.scheduler ?? systemScheduler;
    this.reconcileMs = options.reconcileSeconds * 1000;
    this.scheduleReconcile();
  }

  /** One reconcile round every `reconcileSeconds`, until close. */
  private scheduleReconcile(): void {
    this.cancelReconcile = this.scheduler.schedule(this.reconcileMs, () => {
      this.reconcileAll();
      if (!this.closing) this.scheduleReconcile();
    });
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

  /**
   * A call dialed from a tab gets its room at once, and the caller its credentials: the caller's
   * tab joins and publishes while the call rings, so the agent who answers receives the caller's
   * media as soon as it has joined (Accept → first frame skips the caller's whole join). Grants
   * stay least: the caller now, the answering agent on answer, nobody else (ringing agents get
   * nothing).
   */
  callPlaced(call: LiveCall): void {
    if (!call.callerSessionId || !call.fromUserId || this.closing) return;
    // A warm transfer's consultation: its caller is an agent already in a call, whose media the
    // transfer arranges; its room opens on answer, as before. One to a phone number opens now,
    // as any call to a phone does: LiveKit SIP dials the phone into it (server/sip).
    if (call.consultationFor && call.target.kind !== 'phone') return;
    const caller = this.party('caller', call.fromUserId, call.callerSessionId, call.from.name);
    this.openRoom(call, [caller], false);
  }

  /**
   * A call whose caller is already in a room of its own, as a phone is once LiveKit SIP has
   * dispatched it: that room becomes the call's room, so the answering agent joins the caller
   * where it is. The caller has no tab and gets no `call_media`. Call right after placing the
   * call, before any accept can arrive.
   */
  adoptCallerRoom(tenantId: string, callId: string, caller: ExternalCaller): void {
    if (this.closing) return;
    const party: MediaParty = { sessionId: '', ...caller, external: true };
    const room: CallRoom = {
      callId,
      tenantId,
      name: caller.room,
      parties: new Map([[party.identity, party]]),
      connections: new Map(),
      listed: new Set(),
      pendingEnds: new Map(),
      joined: true,
      answered: false,
      adopted: true,
      ended: false,
      opened: Promise.resolve(true),
    };
    this.rooms.set(room.name, room);
    this.roomsByCall.set(callId, room);
  }

  /**
   * A phone the call dials joins its room as a party (LiveKit SIP's participant, `identity`),
   * so it is not taken for an intruder while it rings, and its hanging up ends the call once it
   * answered. False when the call has no room (it ended meanwhile).
   */
  addDialedPhone(callId: string, phone: { identity: string; name: string }): boolean {
    const room = this.roomsByCall.get(callId);
    if (!room || room.ended || this.closing) return false;
    room.parties.set(phone.identity, { sessionId: '', ...phone, external: true, dialed: true });
    return true;
  }

  /** The call's phone (the caller LiveKit SIP brought in, or the phone it dialed) and its room. */
  phoneOf(callId: string): { room: string; identity: string } | undefined {
    const room = this.roomsByCall.get(callId);
    if (!room || room.ended) return undefined;
    for (const party of room.parties.values())
      if (party.external) return { room: room.name, identity: party.identity };
    return undefined;
  }

  /**
   * Hands a call's room over to server/sip (a warm transfer to a phone number bridges the
   * caller's room to the number's): from now on call media neither closes it when the call ends
   * nor ends the call when its parties leave, and lets anyone join it. Returns its name and
   * phone (undefined: no such room, or no phone in it).
   */
  releaseRoom(callId: string): { room: string; identity: string } | undefined {
    const phone = this.phoneOf(callId);
    const room = this.roomsByCall.get(callId);
    if (!phone || !room) return undefined;
    for (const cancel of room.pendingEnds.values()) cancel();
    room.pendingEnds.clear();
    room.ended = true;
    this.rooms.delete(room.name);
    this.roomsByCall.delete(callId);
    return phone;
  }

  /** While the phone is transferred out (REFER), its leaving is the transfer's, not a hang-up. */
  setTransferringOut(callId: string, transferring: boolean): void {
    const room = this.roomsByCall.get(callId);
    if (room) room.transferringOut = transferring;
  }

  /** The dialed phone answered: from now on its leaving ends the call (`hangup`). */
  phoneAnswered(call: LiveCall): void {
    const room = this.roomsByCall.get(call.id);
    if (room) room.answered = true;
  }

  callAnswered(call: LiveCall): void {
    if (!call.answeredBy || this.closing) return;
    const agent = this.party(
      'agent',
      call.answeredBy.id,
      call.answeredBy.sessionId,
      call.answeredBy.name,
    );
    const placed = this.roomsByCall.get(call.id);
    if (placed) {
      // The caller has its credentials since the dial: only the agent's are new.
      placed.answered = true;
      placed.parties.set(agent.identity, agent);
      void this.track(
        placed.opened.then((opened) => (opened ? this.admit(placed, [agent]) : undefined)),
      );
      return;
    }
    const parties = [agent];
    // A call placed through the HTTP API has no caller tab: only the agent gets media.
    if (call.callerSessionId && call.fromUserId)
      parties.push(this.party('caller', call.fromUserId, call.callerSessionId, call.from.name));
    this.openRoom(call, parties, true);
  }

  /**
   * The call changed agents and keeps its room (the caller never leaves it): the agent who
   * handed it on stops being a party and is removed from the room, so its leaving does not end
   * the call; the new agent gets `call_media` for the same room.
   */
  callTransferred(call: LiveCall, from: MediaAgent | null, to: MediaAgent | null): void {
    const room = this.roomsByCall.get(call.id);
    // Its room closed while nobody was in it: the new agent opens one as an answer would.
    if (!room) return to ? this.callAnswered(call) : undefined;
    if (this.closing) return;
    if (from) {
      const identity = partyIdentity('agent', from.userId, from.sessionId);
      room.parties.delete(identity);
      room.connections.delete(identity);
      room.listed.delete(identity);
      room.pendingEnds.get(identity)?.();
      room.pendingEnds.delete(identity);
      void this.track(this.removeFromRoom(room, identity));
    }
    if (to) {
      const agent = this.party('agent', to.userId, to.sessionId, to.name);
      room.parties.set(agent.identity, agent);
      void this.track(
        room.opened.then((opened) => (opened ? this.admit(room, [agent]) : undefined)),
      );
    }
  }

  /**
   * A tab came back to its session (a reload, a reconnect): the media connection of a page
   * that reloaded is gone and its join token has expired, so each call it is a party of sends it
   * fresh credentials, and its absence from the room ends the call only if it does not rejoin.
   */
  sessionResumed(sessionId: string): void {
    if (this.closing) return;
    for (const room of this.rooms.values()) {
      if (room.ended) continue;
      for (const party of room.parties.values()) {
        if (party.external || party.sessionId !== sessionId) continue;
        void this.track(
          room.opened.then((opened) => (opened ? this.admit(room, [party]) : undefined)),
        );
        if (!room.connections.has(party.identity))
          this.awaitReturn(
            room,
            party.identity,
            Math.max(this.leaveGraceMs, REJOIN_AFTER_RESUME_MS),
          );
      }
    }
  }

  /**
   * A cluster node took these calls over from an owner that died or left (server/cluster): their
   * rooms live on in LiveKit, and this node follows them from now on as if it had opened them,
   * so a party's leave still ends its call and the call's end still closes its room. Who is in
   * each room is asked of LiveKit now; a party missing there is waited for as after a leave.
   * Calls not connected yet open their room on answer, as ever. A phone caller's room (LiveKit
   * SIP's) is not adopted: the phone party's identity is not in the call's state (not built; see
   * server/cluster/README.md).
   */
  adoptCalls(calls: readonly LiveCall[]): void {
    // Each node's embedded media server holds only its own rooms: another node's are not there
    // to follow (a cluster's calls keep their media only on a shared LiveKit).
    if (this.closing || this.backend.embedded) return;
    for (const call of calls) {
      if (call.phase !== 'connected' || !call.answeredBy || call.origin === 'phone') continue;
      if (this.roomsByCall.has(call.id)) continue;
      const parties = [
        this.party('agent', call.answeredBy.id, call.answeredBy.sessionId, call.answeredBy.name),
      ];
      if (call.callerSessionId && call.fromUserId)
        parties.push(this.party('caller', call.fromUserId, call.callerSessionId, call.from.name));
      const room: CallRoom = {
        callId: call.id,
        tenantId: call.tenantId,
        name: callRoomName(call.tenantId, call.id),
        parties: new Map(parties.map((party) => [party.identity, party])),
        connections: new Map(),
        listed: new Set(),
        pendingEnds: new Map(),
        joined: true,
        answered: true,
        ended: false,
        opened: Promise.resolve(true),
      };
      this.rooms.set(room.name, room);
      this.roomsByCall.set(call.id, room);
      void this.track(this.followAdopted(room));
    }
  }

  /** The tenant moved to another node, which follows its rooms now: this node lets them be. */
  releaseTenant(tenantId: string): void {
    for (const room of [...this.rooms.values()]) {
      if (room.tenantId !== tenantId) continue;
      for (const cancel of room.pendingEnds.values()) cancel();
      this.rooms.delete(room.name);
      this.roomsByCall.delete(room.callId);
    }
  }

  callEnded(call: LiveCall): void {
    const room = this.roomsByCall.get(call.id);
    if (!room) return;
    this.forget(room);
    if (!this.closing) void this.track(this.closeRoom(room));
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
    if (event.id && !this.handledEvents.add(event.id)) {
      this.log.info({ ...details, id: event.id }, 'duplicate LiveKit webhook; ignored');
      return;
    }
    if (room?.sid && event.room?.sid && event.room.sid !== room.sid) {
      // An earlier instance of the room (closed while the call rang, then opened again), or a
      // replayed event: what it says is not about the room the call has now.
      this.log.info(
        { ...details, sid: event.room.sid, current: room.sid },
        'LiveKit webhook about another instance of the room; ignored',
      );
      return;
    }
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
        return this.partyLeft(
          room,
          identity,
          event.participant?.sid ?? '',
          event.participant?.disconnectReason,
          event.participant?.attributes?.[SIP_CALL_STATUS_ATTRIBUTE],
        );
      case 'room_finished':
        if (room.adopted && !room.ended) {
          // The caller's own room is gone, and the caller with it: nothing can reopen it.
          this.log.info(details, "the caller's room finished; ending the call");
          this.control?.endCall(
            room.tenantId,
            room.callId,
            room.answered ? 'hangup' : 'caller_cancelled',
          );
          return;
        }
        if (!room.answered) {
          // Nobody joined the room of a call still ringing (a caller tab without media, say):
          // nothing failed yet; answering opens it again.
          this.log.info(details, 'the media room of a ringing call closed; reopened on answer');
          return this.forget(room);
        }
        if (![...room.parties.keys()].some((identity) => identity.startsWith('agent:'))) {
          // Between agents (a blind transfer of a call without a caller tab): nothing failed;
          // the agent who takes the call gets a room again (see callTransferred).
          this.log.info(
            details,
            'the media room of a call between agents closed; reopened on answer',
          );
          return this.forget(room);
        }
        this.log.info(details, 'the media room of a live call finished; ending the call');
        this.control?.endCall(room.tenantId, room.callId, room.joined ? 'hangup' : 'failed');
        return;
      default:
        this.log.debug(details, 'LiveKit webhook ignored');
    }
  }

  // ------------------------------------------------------------------ shutdown

  /**
   * Resolves once nothing call media started is in flight (RoomService requests, a reconcile
   * round, the check at the end of a grace period): a test that moves its clock waits here for
   * what that set off.
   */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Stops the grace timers, waits for RoomService requests in flight, then stops the backend. */
  async close(): Promise<void> {
    this.closing = true;
    this.cancelReconcile();
    for (const wake of this.pendingDeletes) wake();
    for (const room of [...this.rooms.values()]) this.forget(room);
    await Promise.allSettled([...this.inFlight]);
    await this.backend.close();
  }

  // ------------------------------------------------------------------ internals

  private party(role: PartyRole, userId: string, sessionId: string, name: string): MediaParty {
    return { sessionId, identity: partyIdentity(role, userId, sessionId), name };
  }

  private openRoom(call: LiveCall, parties: MediaParty[], answered: boolean): void {
    const room: CallRoom = {
      callId: call.id,
      tenantId: call.tenantId,
      name: callRoomName(call.tenantId, call.id),
      parties: new Map(parties.map((party) => [party.identity, party])),
      connections: new Map(),
      listed: new Set(),
      pendingEnds: new Map(),
      joined: false,
      answered,
      ended: false,
      opened: Promise.resolve(false),
    };
    this.rooms.set(room.name, room);
    this.roomsByCall.set(call.id, room);
    room.opened = this.track(this.open(room, parties));
  }

  /** Creates the room, then sends `parties` their credentials, unless the call ended meanwhile. */
  private async open(room: CallRoom, parties: MediaParty[]): Promise<boolean> {
    const { backend } = this;
    try {
      const created = await backend.rooms.createRoom({
        name: room.name,
        emptyTimeout: ROOM_EMPTY_TIMEOUT_SECONDS,
        departureTimeout: ROOM_DEPARTURE_TIMEOUT_SECONDS,
      });
      room.sid = created.sid || undefined;
    } catch (error) {
      if (!room.answered) {
        // Ringing: nothing is lost yet. Answering tries again, and fails the call if it must.
        this.log.warn(
          { err: error, callId: room.callId, room: room.name },
          'could not create the media room of a ringing call; trying again on answer',
        );
        if (!room.ended) this.forget(room);
        return false;
      }
      this.log.error(
        { err: error, callId: room.callId, room: room.name },
        'could not create the media room; ending the call as failed',
      );
      if (!room.ended) this.control?.endCall(room.tenantId, room.callId, 'failed');
      return false;
    }
    if (!room.ended) await this.admit(room, parties);
    return true;
  }

  /** Sends each party its `call_media` (a token for this room only), unless the call ended. */
  private async admit(room: CallRoom, parties: MediaParty[]): Promise<void> {
    const { backend } = this;
    try {
      const credentials = await Promise.all(
        parties.map(async (party) => ({
          party,
          token: await mintJoinToken(backend.apiKey, backend.apiSecret, {
            room: room.name,
            identity: party.identity,
            name: party.name,
          }),
        })),
      );
      if (room.ended) return;
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
  }

  /** Its token stays valid for minutes, so the agent who handed the call on is taken out now. */
  private async removeFromRoom(room: CallRoom, identity: string): Promise<void> {
    if (!(await room.opened) || room.ended) return;
    try {
      await this.backend.rooms.removeParticipant(room.name, identity);
    } catch (error) {
      // Not in the room (it never joined, or already left): nothing to take out.
      if (error instanceof ServerError && (error.code === 'not_found' || error.status === 404))
        return;
      this.log.warn({ err: error, callId: room.callId, identity }, 'could not remove a party');
    }
  }

  /**
   * DeleteRoom disconnects whoever is still in it (both parties, whatever their state),
   * ROOM_CLOSE_DELAY_MS after the call ended. The wait is a timer, not work in flight (`settled`
   * does not wait for the clock to move); the delete is.
   */
  private async closeRoom(room: CallRoom): Promise<void> {
    if (!(await room.opened)) return;
    const remove = () => void this.track(this.deleteRoom(room.name, { callId: room.callId }));
    if (this.closing) return remove();
    const wake = () => {
      cancel();
      this.pendingDeletes.delete(wake);
      remove();
    };
    const cancel = this.scheduler.schedule(ROOM_CLOSE_DELAY_MS, wake);
    this.pendingDeletes.add(wake);
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
    void this.track(this.deleteRoom(name, {}));
  }

  private partyJoined(room: CallRoom, identity: string, sid: string): void {
    if (!room.parties.has(identity)) {
      if (!isRoomVisitor(identity, room.callId)) this.removeIntruder(room, identity);
      return;
    }
    room.joined = true;
    if (sid) room.connections.set(identity, sid);
    const pending = room.pendingEnds.get(identity);
    if (pending) {
      pending();
      room.pendingEnds.delete(identity);
      this.log.info(
        { callId: room.callId, identity },
        'a party rejoined the media room in time; the call goes on',
      );
    }
  }

  private partyLeft(
    room: CallRoom,
    identity: string,
    sid: string,
    disconnectReason?: DisconnectReason,
    lineStatus?: string,
  ): void {
    const party = room.parties.get(identity);
    if (party?.external) return this.externalCallerLeft(room, party, disconnectReason, lineStatus);
    if (!party) {
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
    room.listed.delete(identity);
    if (room.pendingEnds.has(identity)) return;
    this.log.info(
      { callId: room.callId, identity, graceMs: this.leaveGraceMs },
      'a party left the media room; ending the call unless it rejoins',
    );
    this.awaitReturn(room, identity, this.leaveGraceMs);
  }

  /** Ends the call unless the party is back in the room within `graceMs` (replaces any wait). */
  private awaitReturn(room: CallRoom, identity: string, graceMs: number): void {
    room.pendingEnds.get(identity)?.();
    const timer = this.scheduler.schedule(
      graceMs,
      () => void this.track(this.endUnlessBack(room, identity)),
    );
    room.pendingEnds.set(identity, timer);
  }

  /** A phone does not come back: its call ends now, failed when LiveKit blames the line. */
  private externalCallerLeft(
    room: CallRoom,
    party: MediaParty,
    disconnectReason?: DisconnectReason,
    lineStatus?: string,
  ): void {
    if (room.ended) return;
    if (room.transferringOut) {
      this.log.info(
        { callId: room.callId, identity: party.identity },
        'the phone left after its transfer to a number; the transfer ends the call',
      );
      return;
    }
    if (party.dialed && !room.answered) {
      this.log.info(
        { callId: room.callId, identity: party.identity, disconnectReason },
        'the dialed phone left before answering; LiveKit SIP reports why',
      );
      return;
    }
    // LiveKit SIP marks a phone that hung up `hangup` before it leaves; an answered phone that
    // leaves still `active` lost its line (LiveKit SIP 1.8 ends a call it placed that way on its
    // media timeout: no RTP, no BYE).
    const lineLost = room.answered && lineStatus === SIP_CALL_ACTIVE;
    const failed =
      lineLost || (disconnectReason !== undefined && FAILED_LINE_REASONS.has(disconnectReason));
    const reason: EndReason = failed ? 'failed' : room.answered ? 'hangup' : 'caller_cancelled';
    this.log.info(
      { callId: room.callId, identity: party.identity, disconnectReason, lineStatus, reason },
      'the external caller left the media room; ending the call',
    );
    this.control?.endCall(
      room.tenantId,
      room.callId,
      reason,
      party.dialed ? { kind: 'callee' } : { kind: 'caller' },
    );
  }

  /**
   * The grace period of a party that left is over: unless LiveKit lists it in the room again
   * (its leave was reported late, twice or falsely, or its rejoin was never reported), the call
   * ends. When LiveKit cannot be asked, the leave is taken at its word.
   */
  private async endUnlessBack(room: CallRoom, identity: string): Promise<void> {
    const listed = await this.listParticipants(room);
    if (room.ended || !room.pendingEnds.has(identity)) return;
    room.pendingEnds.delete(identity);
    const back = listed?.find((participant) => participant.identity === identity);
    if (back) {
      this.log.info(
        { callId: room.callId, identity },
        'a party reported gone is still in the media room; the call goes on',
      );
      return this.partyJoined(room, identity, back.sid);
    }
    // Its tab is away and may come back (a reload): routing ends the call if it does not, and
    // its return starts a new wait for it to rejoin (sessionResumed).
    const sessionId = room.parties.get(identity)?.sessionId;
    if (sessionId && this.control?.isSessionWaiting(sessionId)) {
      this.log.info(
        { callId: room.callId, identity },
        'a party left the media room while its tab is away; waiting for the tab',
      );
      return;
    }
    // Before an answer only the caller is in the room: its media going away cancels the call.
    const reason = room.answered ? 'hangup' : 'caller_cancelled';
    this.control?.endCall(room.tenantId, room.callId, reason, enderOf(identity));
  }

  /** Learns who is in an adopted room; a party that is not is waited for as after a leave. */
  private async followAdopted(room: CallRoom): Promise<void> {
    await this.reconcile(room);
    if (room.ended) return;
    for (const identity of room.parties.keys())
      if (!room.listed.has(identity) && !room.pendingEnds.has(identity))
        this.awaitReturn(room, identity, this.leaveGraceMs);
  }

  /** Compares every open room with LiveKit's list of its participants (see the file comment). */
  private reconcileAll(): void {
    if (this.closing) return;
    for (const room of this.rooms.values()) void this.track(this.reconcile(room));
  }

  private async reconcile(room: CallRoom): Promise<void> {
    if (!(await room.opened) || room.ended) return;
    const listed = await this.listParticipants(room);
    if (!listed || room.ended) return;
    const here = new Map(listed.map((participant) => [participant.identity, participant.sid]));
    for (const [identity, sid] of here) {
      if (room.parties.has(identity)) {
        const known = room.listed.has(identity);
        room.listed.add(identity);
        if (!known || room.pendingEnds.has(identity)) this.partyJoined(room, identity, sid);
      } else if (!isRoomVisitor(identity, room.callId)) {
        this.removeIntruder(room, identity);
      }
    }
    for (const identity of [...room.listed]) {
      if (!here.has(identity)) {
        this.log.info(
          { callId: room.callId, identity },
          'a party is no longer in the media room and its leave was never reported',
        );
        this.partyLeft(room, identity, '');
      }
    }
  }

  /** The room's participants as LiveKit lists them, or undefined when it cannot be asked. */
  private async listParticipants(room: CallRoom) {
    try {
      return await this.backend.rooms.listParticipants(room.name);
    } catch (error) {
      if (error instanceof ServerError && (error.code === 'not_found' || error.status === 404))
        return [];
      this.log.warn(
        { err: error, callId: room.callId },
        'could not list the participants of a media room',
      );
      return undefined;
    }
  }

  /** Someone in the room who is not (or no longer) one of the call's parties: taken out. */
  private removeIntruder(room: CallRoom, identity: string): void {
    this.log.warn(
      { callId: room.callId, identity },
      'a participant who is not a party of the call is in its media room; removing it',
    );
    void this.track(this.removeFromRoom(room, identity));
  }

  private forget(room: CallRoom): void {
    const now = this.scheduler.now();
    for (const [name, until] of this.endedRooms) {
      if (until > now) break;
      this.endedRooms.delete(name);
    }
    this.endedRooms.set(room.name, now + JOIN_TOKEN_TTL_SECONDS * 1000);
    room.ended = true;
    for (const cancel of room.pendingEnds.values()) cancel();
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

/** Who ends a call when this party's media goes away for good: an agent, or the caller's tab. */
function enderOf(identity: string): CallEnder {
  const [role, userId] = identity.split(':');
  return role === 'agent' && userId ? { kind: 'agent', userId } : { kind: 'caller' };
}

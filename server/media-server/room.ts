import {
  ClientConfigSetting,
  ClientConfiguration,
  DisconnectReason,
  JoinResponse,
  ParticipantUpdate,
  Room as RoomInfo,
  ServerInfo,
  ServerInfo_Edition,
  type DataPacket,
} from '@livekit/protocol';
import { newSid } from './ids.ts';
import type { MediaLogger } from './logger.ts';
import type { Participant, ParticipantHost, PublishedTrack } from './participant.ts';
import { PING_INTERVAL_SECONDS, PING_TIMEOUT_SECONDS } from './signal-connection.ts';
import { permissionUpdate } from './subscription-permissions.ts';
import type { WebhookNotifier } from './webhooks.ts';

/** Advertised version: livekit-client needs a non-empty one, and ≥ 1.8.0 for RPC. */
export const SERVER_VERSION = '1.9.0';
const SERVER_PROTOCOL = 16;

export interface RoomSettings {
  /** Seconds a room nobody joined stays open (real default 300). */
  emptyTimeout: number;
  /** Seconds a room stays open after the last participant left (real default 20). */
  departureTimeout: number;
  maxParticipants: number;
  metadata: string;
}

export const DEFAULT_ROOM_SETTINGS: RoomSettings = {
  emptyTimeout: 300,
  departureTimeout: 20,
  maxParticipants: 0,
  metadata: '',
};

export interface RoomDependencies {
  webhooks: WebhookNotifier;
  logger: MediaLogger;
  nodeId: string;
  /** Called when the room closes itself (empty/departure timeout). */
  onIdle: (room: Room) => void;
}

/**
 * A room: identity-keyed participants, who subscribes to what, participant updates, and the
 * empty/departure timers. The update carrying a track always goes out before the subscriber
 * offer carrying it: livekit-client drops media of unknown participants or publications.
 */
export class Room implements ParticipantHost {
  readonly sid = newSid('RM_');
  readonly creationTimeMs = BigInt(Date.now());
  private readonly participants = new Map<string, Participant>();
  private idleTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    readonly name: string,
    readonly settings: RoomSettings,
    private readonly deps: RoomDependencies,
  ) {
    this.startIdleTimer(settings.emptyTimeout);
  }

  get participantList(): Participant[] {
    return [...this.participants.values()];
  }

  get isFull(): boolean {
    return (
      this.settings.maxParticipants > 0 && this.participants.size >= this.settings.maxParticipants
    );
  }

  get isClosed(): boolean {
    return this.closed;
  }

  participant(identity: string): Participant | undefined {
    return this.participants.get(identity);
  }

  toInfo(): RoomInfo {
    const participants = this.participantList.filter((p) => !p.hidden);
    return new RoomInfo({
      sid: this.sid,
      name: this.name,
      emptyTimeout: this.settings.emptyTimeout,
      departureTimeout: this.settings.departureTimeout,
      maxParticipants: this.settings.maxParticipants,
      metadata: this.settings.metadata,
      creationTime: this.creationTimeMs / 1000n,
      creationTimeMs: this.creationTimeMs,
      numParticipants: participants.length,
      numPublishers: participants.filter((p) => p.publishedTracks.length > 0).length,
    });
  }

  join(participant: Participant): void {
    clearTimeout(this.idleTimer);
    const existing = this.participants.get(participant.identity);
    if (existing) this.removeParticipant(existing, DisconnectReason.DUPLICATE_IDENTITY, true);
    const others = this.participantList.filter((p) => !p.hidden);
    this.participants.set(participant.identity, participant);
    // Queued into the first subscriber offer, which join() sends right after the JoinResponse.
    const denied: PublishedTrack[] = [];
    for (const other of others) {
      for (const track of other.publishedTracks) {
        if (!participant.wantsTrack(track.info.sid)) continue;
        if (other.subscriptionPermissions.allows(participant, track.info.sid))
          participant.subscriber.addTrack(downTrack(track));
        else denied.push(track);
      }
    }
    participant.join(
      this,
      new JoinResponse({
        room: this.toInfo(),
        otherParticipants: others.map((p) => p.toInfo()),
        serverVersion: SERVER_VERSION,
        serverInfo: new ServerInfo({
          edition: ServerInfo_Edition.Standard,
          version: SERVER_VERSION,
          protocol: SERVER_PROTOCOL,
          nodeId: this.deps.nodeId,
        }),
        iceServers: [],
        subscriberPrimary: true,
        pingInterval: PING_INTERVAL_SECONDS,
        pingTimeout: PING_TIMEOUT_SECONDS,
        // No resume support: clients always rejoin in full (duplicate identity replaces).
        clientConfiguration: new ClientConfiguration({
          resumeConnection: ClientConfigSetting.DISABLED,
        }),
      }),
    );
    for (const track of denied)
      participant.send(permissionUpdate(track.publisherSid, track.info.sid, false));
    this.broadcast(participant, { includeSelf: false });
    this.deps.logger.info(
      { room: this.name, identity: participant.identity },
      'participant joined',
    );
  }

  /** Removes a participant; `notifyClient` sends it a `leave` first (server-initiated). */
  removeParticipant(
    participant: Participant,
    reason: DisconnectReason,
    notifyClient: boolean,
  ): void {
    if (participant.isDisconnected) return;
    participant.close(reason, notifyClient);
    if (this.participants.get(participant.identity) !== participant) return;
    this.participants.delete(participant.identity);
    this.broadcast(participant, { includeSelf: false });
    this.deps.webhooks.notify('participant_left', {
      room: this.toInfo(),
      participant: participant.toInfo(),
    });
    this.deps.logger.info(
      { room: this.name, identity: participant.identity, reason },
      'participant left',
    );
    if (this.participants.size === 0 && !this.closed)
      this.startIdleTimer(this.settings.departureTimeout);
  }

  /** Disconnects everyone and stops the timers; the caller emits room_finished. */
  close(reason: DisconnectReason): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.idleTimer);
    for (const participant of this.participantList)
      this.removeParticipant(participant, reason, true);
  }

  // ParticipantHost: reports from participants.

  participantActive(participant: Participant): void {
    this.broadcast(participant, { includeSelf: true });
    this.deps.webhooks.notify('participant_joined', {
      room: this.toInfo(),
      participant: participant.toInfo(),
    });
  }

  participantChanged(participant: Participant): void {
    this.broadcast(participant, { includeSelf: true });
  }

  participantLeft(participant: Participant, reason: DisconnectReason): void {
    this.removeParticipant(participant, reason, false);
  }

  trackPublished(participant: Participant, track: PublishedTrack): void {
    this.broadcast(participant, { includeSelf: true });
    if (!participant.hidden) {
      for (const other of this.participantList) {
        if (other === participant || !other.wantsTrack(track.info.sid)) continue;
        if (participant.subscriptionPermissions.allows(other, track.info.sid))
          other.subscriber.addTrack(downTrack(track));
        else other.send(permissionUpdate(participant.sid, track.info.sid, false));
      }
    }
    this.deps.webhooks.notify('track_published', {
      room: this.toInfo(),
      participant: participant.toInfo(),
      track: track.info,
    });
  }

  trackUnpublished(participant: Participant, track: PublishedTrack): void {
    // A leaving participant's final DISCONNECTED update removes its publications at once.
    if (!participant.isDisconnected) this.broadcast(participant, { includeSelf: true });
    for (const other of this.participantList) other.subscriber.removeTrack(track.info.sid);
    this.deps.webhooks.notify('track_unpublished', {
      room: this.toInfo(),
      participant: participant.toInfo(),
      track: track.info,
    });
  }

  subscriptionsChanged(subscriber: Participant): void {
    for (const publisher of this.participantList) {
      if (publisher === subscriber || publisher.hidden) continue;
      for (const track of publisher.publishedTracks) {
        const sid = track.info.sid;
        if (subscriber.wantsTrack(sid) && publisher.subscriptionPermissions.allows(subscriber, sid))
          subscriber.subscriber.addTrack(downTrack(track));
        else subscriber.subscriber.removeTrack(sid);
      }
    }
  }

  /** Forwards the publisher's tracks to whoever may now have them and stops them to the rest. */
  subscriptionPermissionChanged(publisher: Participant): void {
    if (publisher.hidden) return;
    for (const subscriber of this.participantList) {
      if (subscriber === publisher) continue;
      for (const track of publisher.publishedTracks) {
        const sid = track.info.sid;
        const allowed = publisher.subscriptionPermissions.allows(subscriber, sid);
        if (allowed && subscriber.wantsTrack(sid)) subscriber.subscriber.addTrack(downTrack(track));
        else if (!allowed) subscriber.subscriber.removeTrack(sid);
        if (subscriber.wantsTrack(sid))
          subscriber.send(permissionUpdate(publisher.sid, sid, allowed));
      }
    }
  }

  dataReceived(sender: Participant, packet: DataPacket, reliable: boolean): void {
    const user = packet.value.case === 'user' ? packet.value.value : undefined;
    const destinations = packet.destinationIdentities.length
      ? packet.destinationIdentities
      : (user?.destinationIdentities ?? []);
    const payload = packet.toBinary();
    for (const other of this.participantList) {
      if (other === sender) continue;
      if (destinations.length > 0 && !destinations.includes(other.identity)) continue;
      other.subscriber.sendData(payload, reliable);
    }
  }

  private broadcast(participant: Participant, { includeSelf }: { includeSelf: boolean }): void {
    const update = {
      case: 'update' as const,
      value: new ParticipantUpdate({ participants: [participant.toInfo()] }),
    };
    for (const recipient of this.participantList) {
      if (recipient === participant ? !includeSelf : participant.hidden) continue;
      recipient.send(update);
    }
  }

  private startIdleTimer(seconds: number): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.deps.onIdle(this), seconds * 1000);
    this.idleTimer.unref();
  }
}

function downTrack(track: PublishedTrack) {
  return { trackSid: track.info.sid, publisherSid: track.publisherSid, forwarder: track.forwarder };
}

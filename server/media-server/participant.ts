import {
  AddTrackRequest,
  DataPacket,
  DisconnectReason,
  JoinResponse,
  LeaveRequest,
  LeaveRequest_Action,
  ParticipantInfo,
  ParticipantInfo_Kind,
  ParticipantInfo_State,
  ParticipantPermission,
  RequestResponse,
  RequestResponse_Reason,
  SignalTarget,
  TrackPublishedResponse,
  type TrackInfo,
  TrackUnpublishedResponse,
  type SessionDescription,
} from '@livekit/protocol';
import type { RTCPeerConnectionConfig } from 'werift';
import {
  canPublishSource,
  permissionFromGrant,
  sourceFitsType,
  type AccessClaims,
} from './auth.ts';
import { newSid } from './ids.ts';
import { errorMessage, type MediaLogger } from './logger.ts';
import { PublisherTransport } from './publisher-transport.ts';
import type { CancelTimer, MediaScheduler } from './scheduler.ts';
import type { SignalConnection, SignalMessage, SignalRequestMessage } from './signal-connection.ts';
import { SubscriberTransport } from './subscriber-transport.ts';
import { SubscriptionPermissions } from './subscription-permissions.ts';
import { TrackPublications, type PublishedTrack } from './track-publications.ts';

export type { PublishedTrack } from './track-publications.ts';

/** What a participant reports to its room. */
export interface ParticipantHost {
  participantActive(participant: Participant): void;
  participantChanged(participant: Participant): void;
  trackPublished(participant: Participant, track: PublishedTrack): void;
  trackUnpublished(participant: Participant, track: PublishedTrack): void;
  subscriptionsChanged(participant: Participant): void;
  /** The participant changed who may subscribe to its tracks. */
  subscriptionPermissionChanged(participant: Participant): void;
  dataReceived(participant: Participant, packet: DataPacket, reliable: boolean): void;
  participantLeft(participant: Participant, reason: DisconnectReason): void;
}

export interface ParticipantOptions {
  claims: AccessClaims;
  signal: SignalConnection;
  peerConfig: RTCPeerConnectionConfig;
  autoSubscribe: boolean;
  clientProtocol: number;
  /** Mints a fresh token for `refresh_token` (sent every TOKEN_REFRESH_INTERVAL_MS). */
  refreshToken: () => Promise<string>;
  /** Times the token refresh. */
  scheduler: MediaScheduler;
  logger: MediaLogger;
}

/** The real server's token refresh interval. */
export const TOKEN_REFRESH_INTERVAL_MS = 5 * 60_000;

/**
 * One connected client: its signalling, its two PeerConnections and its published tracks.
 * Signal requests are handled in arrival order; publisher offers in their own chain, after the
 * requests received before them (an AddTrack precedes the offer that carries its track).
 */
export class Participant {
  readonly sid = newSid('PA_');
  readonly identity: string;
  readonly joinedAtMs = BigInt(Date.now());
  name: string;
  metadata: string;
  attributes: Record<string, string>;
  permission: ParticipantPermission;
  state = ParticipantInfo_State.JOINING;
  disconnectReason = DisconnectReason.UNKNOWN_REASON;
  readonly subscriber: SubscriberTransport;
  /** Who may subscribe to this participant's tracks (everyone unless it says otherwise). */
  readonly subscriptionPermissions = new SubscriptionPermissions();
  private version = 0;
  private publisherTransport?: PublisherTransport;
  private readonly tracks: TrackPublications;
  private readonly subscriptionOverrides = new Map<string, boolean>();
  private queue: Promise<void> = Promise.resolve();
  private publisherNegotiation: Promise<void> = Promise.resolve();
  private host?: ParticipantHost;
  private cancelTokenRefresh: CancelTimer = () => {};
  private readonly logger: MediaLogger;

  constructor(private readonly options: ParticipantOptions) {
    const { claims } = options;
    this.identity = claims.identity;
    this.name = claims.name;
    this.metadata = claims.metadata;
    this.attributes = { ...claims.attributes };
    this.permission = permissionFromGrant(claims.video);
    this.logger = options.logger;
    this.tracks = new TrackPublications(
      this.sid,
      {
        published: (track) => {
          this.bumpVersion();
          this.host?.trackPublished(this, track);
        },
        unpublished: (track) => {
          this.bumpVersion();
          this.host?.trackUnpublished(this, track);
        },
      },
      options.logger,
    );
    this.subscriber = new SubscriberTransport(options.peerConfig, (m) => this.send(m), this.logger);
    this.subscriber.onConnected = () => {
      if (this.state !== ParticipantInfo_State.JOINED) return;
      this.state = ParticipantInfo_State.ACTIVE;
      this.bumpVersion();
      this.host?.participantActive(this);
    };
    this.subscriber.onFailed = () => this.requestRejoin('subscriber');
    options.signal.onRequest = (message) => this.enqueue(message);
    // A client that leaves properly sends `leave` first; a bare close is a lost signal connection.
    options.signal.onClose = () => this.host?.participantLeft(this, DisconnectReason.SIGNAL_CLOSE);
  }

  get hidden(): boolean {
    return this.permission.hidden;
  }

  get publishedTracks(): PublishedTrack[] {
    return this.tracks.list;
  }

  get isDisconnected(): boolean {
    return this.state === ParticipantInfo_State.DISCONNECTED;
  }

  /** Sends the JoinResponse (always the first message), then the first subscriber offer. */
  join(host: ParticipantHost, response: JoinResponse): void {
    this.host = host;
    this.state = ParticipantInfo_State.JOINED;
    this.bumpVersion();
    response.participant = this.toInfo();
    this.send({ case: 'join', value: response });
    this.subscriber.start();
    this.scheduleTokenRefresh();
  }

  /** One `refresh_token` every TOKEN_REFRESH_INTERVAL_MS, until the participant is closed. */
  private scheduleTokenRefresh(): void {
    this.cancelTokenRefresh = this.options.scheduler.schedule(TOKEN_REFRESH_INTERVAL_MS, () => {
      this.sendRefreshedToken();
      this.scheduleTokenRefresh();
    });
  }

  /** Whether this participant should receive a track now (auto-subscribe unless overridden). */
  wantsTrack(trackSid: string): boolean {
    if (!this.permission.canSubscribe || this.isDisconnected) return false;
    return this.subscriptionOverrides.get(trackSid) ?? this.options.autoSubscribe;
  }

  send(message: SignalMessage): void {
    this.options.signal.send(message);
  }

  findTrack(trackSid: string): PublishedTrack | undefined {
    return this.tracks.find(trackSid);
  }

  setTrackMuted(trackSid: string, muted: boolean): TrackInfo | undefined {
    const track = this.tracks.info(trackSid);
    if (!track) return undefined;
    if (track.muted !== muted) {
      track.muted = muted;
      this.bumpVersion();
      this.host?.participantChanged(this);
    }
    return track;
  }

  /** Server-initiated unpublish of everything (publish permission revoked by RoomService). */
  revokePublishing(): void {
    for (const { info } of this.tracks.list) {
      this.send({
        case: 'trackUnpublished',
        value: new TrackUnpublishedResponse({ trackSid: info.sid }),
      });
    }
    this.tracks.unpublishAll();
  }

  private bumpVersion(): void {
    this.version++;
  }

  toInfo(): ParticipantInfo {
    const joinedAtMs = this.joinedAtMs;
    return new ParticipantInfo({
      sid: this.sid,
      identity: this.identity,
      name: this.name,
      state: this.state,
      tracks: this.publishedTracks.map((track) => track.info),
      metadata: this.metadata,
      attributes: this.attributes,
      joinedAt: joinedAtMs / 1000n,
      joinedAtMs,
      version: this.version,
      permission: this.permission,
      isPublisher: this.tracks.list.length > 0,
      kind: ParticipantInfo_Kind.STANDARD,
      disconnectReason: this.disconnectReason,
      clientProtocol: this.options.clientProtocol,
    });
  }

  /** Removes every published track (reporting each to the room) and closes the transports. */
  close(reason: DisconnectReason, notifyClient: boolean): void {
    if (this.isDisconnected) return;
    this.state = ParticipantInfo_State.DISCONNECTED;
    this.disconnectReason = reason;
    this.cancelTokenRefresh();
    this.bumpVersion();
    if (notifyClient) {
      this.send({
        case: 'leave',
        value: new LeaveRequest({
          canReconnect: false,
          reason,
          action: LeaveRequest_Action.DISCONNECT,
        }),
      });
    }
    this.options.signal.close();
    this.tracks.unpublishAll();
    this.publisherTransport?.close();
    this.subscriber.close();
  }

  private get publisher(): PublisherTransport {
    if (!this.publisherTransport) {
      this.publisherTransport = new PublisherTransport(
        this.options.peerConfig,
        (m) => this.send(m),
        this.logger,
      );
      this.publisherTransport.onData = (payload, reliable) => this.receiveData(payload, reliable);
      this.publisherTransport.onFailed = () => this.requestRejoin('publisher');
    }
    return this.publisherTransport;
  }

  private enqueue(message: SignalRequestMessage): void {
    this.queue = this.queue
      .then(() => this.handle(message))
      .catch((error: unknown) => this.logRequestError(error, message.case));
  }

  private logRequestError(error: unknown, request: string | undefined): void {
    // Requests still queued when the participant leaves fail on closed transports: expected.
    const level = this.isDisconnected ? 'debug' : 'error';
    this.logger[level]({ err: errorMessage(error), request }, 'signal request failed');
  }

  private async handle(message: SignalRequestMessage): Promise<void> {
    if (this.isDisconnected) return;
    switch (message.case) {
      case 'offer': {
        // Offers are chained on their own: one may wait for the connection to settle, and the
        // candidates it needs must not queue behind it.
        const description = message.value;
        this.publisherNegotiation = this.publisherNegotiation
          .then(() => this.handlePublisherOffer(description))
          .catch((error: unknown) => this.logRequestError(error, 'offer'));
        return;
      }
      case 'answer':
        return this.subscriber.handleAnswer(message.value);
      case 'trickle': {
        const { candidateInit, target } = message.value;
        const transport = target === SignalTarget.SUBSCRIBER ? this.subscriber : this.publisher;
        return transport.addIceCandidate(candidateInit);
      }
      case 'addTrack':
        return this.handleAddTrack(message.value);
      case 'mute':
        this.setTrackMuted(message.value.sid, message.value.muted);
        return;
      case 'subscription': {
        const { trackSids, subscribe, participantTracks } = message.value;
        const sids = [...trackSids, ...participantTracks.flatMap((entry) => entry.trackSids)];
        for (const sid of sids) this.subscriptionOverrides.set(sid, subscribe);
        this.host?.subscriptionsChanged(this);
        return;
      }
      case 'subscriptionPermission':
        this.subscriptionPermissions.update(message.value);
        this.host?.subscriptionPermissionChanged(this);
        return;
      case 'updateMetadata': {
        const { metadata, name, attributes, requestId } = message.value;
        if (!this.permission.canUpdateMetadata) {
          this.send({
            case: 'requestResponse',
            value: new RequestResponse({
              requestId,
              reason: RequestResponse_Reason.NOT_ALLOWED,
              message: 'does not have permission to update own metadata',
            }),
          });
          return;
        }
        this.applyMetadata({ metadata, name, attributes });
        this.send({
          case: 'requestResponse',
          value: new RequestResponse({ requestId, reason: RequestResponse_Reason.OK }),
        });
        return;
      }
      case 'leave':
        this.host?.participantLeft(this, DisconnectReason.CLIENT_INITIATED);
        return;
      default:
        // track_setting, update_layers, … only tune quality, which this server does not do.
        this.logger.debug({ request: message.case }, 'ignored signal request');
    }
  }

  /** Applies non-empty fields; an attribute set to "" is deleted (RoomService semantics too). */
  applyMetadata(update: {
    metadata?: string;
    name?: string;
    attributes?: Record<string, string>;
  }): void {
    if (update.metadata) this.metadata = update.metadata;
    if (update.name) this.name = update.name;
    for (const [key, value] of Object.entries(update.attributes ?? {})) {
      if (value === '') delete this.attributes[key];
      else this.attributes[key] = value;
    }
    this.bumpVersion();
    this.host?.participantChanged(this);
  }

  private handleAddTrack(request: AddTrackRequest): void {
    if (
      !canPublishSource(this.permission, request.source) ||
      !sourceFitsType(request.source, request.type)
    ) {
      this.logger.warn(
        { identity: this.identity, source: request.source, type: request.type },
        'publish not allowed',
      );
      this.send({
        case: 'requestResponse',
        value: new RequestResponse({
          reason: RequestResponse_Reason.NOT_ALLOWED,
          message: 'does not have permission to publish',
          request: { case: 'addTrack', value: request },
        }),
      });
      return;
    }
    const info = this.tracks.addPending(request);
    if (!info) return; // a repeated AddTrack for a pending cid
    this.send({
      case: 'trackPublished',
      value: new TrackPublishedResponse({ cid: request.cid, track: info }),
    });
  }

  private async handlePublisherOffer(description: SessionDescription): Promise<void> {
    if (this.isDisconnected) return;
    const publisher = this.publisher;
    const sections = await publisher.handleOffer(description);
    this.tracks.reconcile(sections, (mid) => publisher.transceiverByMid(mid));
  }

  /**
   * A failed PeerConnection never recovers on its own (werift stops sending once ICE consent
   * expires, while the browser may still consider it connected), so the client is told to
   * rejoin in full, which it does with the same identity.
   */
  private requestRejoin(transport: 'publisher' | 'subscriber'): void {
    if (this.isDisconnected) return;
    this.logger.warn(
      { identity: this.identity, transport },
      'connection failed; asking the client to rejoin',
    );
    this.send({
      case: 'leave',
      value: new LeaveRequest({
        canReconnect: true,
        reason: DisconnectReason.STATE_MISMATCH,
        action: LeaveRequest_Action.RECONNECT,
      }),
    });
    this.host?.participantLeft(this, DisconnectReason.STATE_MISMATCH);
  }

  private sendRefreshedToken(): void {
    this.options
      .refreshToken()
      .then((token) => this.send({ case: 'refreshToken', value: token }))
      .catch((error: unknown) =>
        this.logger.warn({ err: errorMessage(error) }, 'token refresh failed'),
      );
  }

  private receiveData(payload: Buffer, reliable: boolean): void {
    if (!this.permission.canPublishData || this.isDisconnected) return;
    let packet: DataPacket;
    try {
      packet = DataPacket.fromBinary(new Uint8Array(payload));
    } catch (error) {
      this.logger.debug({ err: errorMessage(error) }, 'undecodable data packet');
      return;
    }
    // RPC and data streams find the sender by these fields: always stamp them.
    packet.participantIdentity = this.identity;
    packet.participantSid = this.sid;
    if (packet.value.case === 'user') packet.value.value.participantIdentity = this.identity;
    this.host?.dataReceived(this, packet, reliable);
  }
}

/**
 * A server-side LiveKit participant that publishes one camera track (VP8) and one microphone
 * track (Opus), fed with ready-made RTP. It does what livekit-client does on the v0 protocol, so
 * it works against the embedded media server and a real LiveKit alike:
 *
 *   join ─► add_track ×2 ─► track_published ×2 ─► publisher offer ─► answer ─► ICE/DTLS ─► RTP
 *
 * The server also offers on the subscriber PeerConnection (data channels only, since nothing is
 * subscribed): it is answered, so the participant becomes active as a browser would. Candidates
 * trickle both ways with their target. Signal messages are handled one at a time, in order.
 */
import {
  AddTrackRequest,
  DisconnectReason,
  LeaveRequest,
  LeaveRequest_Action,
  ParticipantInfo_State,
  SessionDescription,
  SignalTarget,
  TrackSource,
  TrackType,
  TrickleRequest,
  type JoinResponse,
} from '@livekit/protocol';
import { randomUUID } from 'node:crypto';
import {
  MediaStream,
  RTCPeerConnection,
  useOPUS,
  useVP8,
  type RTCPeerConnectionConfig,
  type RTCRtpSender,
} from 'werift';
import { hostIsLoopbackOnly } from '../shared/network.ts';
import type { EncodedMediaSink } from './media-source-ffmpeg.ts';
import { RtpContinuity } from './rtp-continuity.ts';
import { SignalClient, type SignalResponseMessage } from './signal-client.ts';

export interface PublisherLog {
  debug(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface PublisherOptions {
  /** The LiveKit URL (ws(s):// or http(s)://). */
  url: string;
  /** A join token for one room and one identity, allowed to publish camera and microphone. */
  token: string;
  /** Shown as the tracks' names. */
  trackName: string;
  video: { width: number; height: number };
  log: PublisherLog;
  /** For join, publication and the connection to come up each (default 15 s, as livekit-client). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 15_000;

function peerConfig(join: JoinResponse): Partial<RTCPeerConnectionConfig> {
  return {
    iceServers: join.iceServers.map((server) => ({
      urls: server.urls,
      username: server.username || undefined,
      credential: server.credential || undefined,
    })),
    bundlePolicy: 'max-bundle',
    codecs: { audio: [useOPUS()], video: [useVP8()] },
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ['127.0.0.1'],
    ...(hostIsLoopbackOnly() ? { iceInterfaceAddresses: { udp4: '127.0.0.1' } } : {}),
  };
}

/** `wait`, unless `gone` rejects first or `timeoutMs` passes (then an error saying what failed). */
function deadline<T>(
  what: string,
  timeoutMs: number,
  wait: Promise<T>,
  gone: Promise<never>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    wait,
    gone,
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} within ${timeoutMs} ms`)), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
}

export class LivekitPublisher {
  /** The connection to LiveKit was lost (not called after `leave()`). */
  onDisconnected: (reason: string) => void = () => {};
  readonly identity: string;
  private readonly publisher: RTCPeerConnection;
  private readonly subscriber: RTCPeerConnection;
  private readonly senders: { video: RTCRtpSender; audio: RTCRtpSender };
  private readonly continuity = {
    video: new RtpContinuity(90_000),
    audio: new RtpContinuity(48_000),
  };
  private readonly remotes = new Set<string>();
  private readonly waiters = new Map<string, (message: SignalResponseMessage) => boolean>();
  private remoteWaiters: Array<(arrived: boolean) => void> = [];
  private queue: Promise<void> = Promise.resolve();
  private left = false;
  private readonly timeoutMs: number;
  /** Rejects when the connection is lost, so that publishing stops waiting at once. */
  private readonly gone: Promise<never>;
  private markGone: (error: Error) => void = () => {};

  private constructor(
    private readonly signal: SignalClient,
    join: JoinResponse,
    private readonly options: PublisherOptions,
  ) {
    this.identity = join.participant?.identity ?? '';
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.gone = new Promise<never>((_resolve, reject) => (this.markGone = reject));
    this.gone.catch(() => {});
    const config = peerConfig(join);
    this.publisher = new RTCPeerConnection(config);
    this.subscriber = new RTCPeerConnection(config);
    this.trickle(this.publisher, SignalTarget.PUBLISHER);
    this.trickle(this.subscriber, SignalTarget.SUBSCRIBER);
    const stream = new MediaStream({ id: `script-${randomUUID()}` });
    const sender = (kind: 'audio' | 'video') => {
      const transceiver = this.publisher.addTransceiver(kind, {
        direction: 'sendonly',
        streams: [stream],
      });
      // The msid's track id is the cid of the AddTrack: that is how LiveKit binds the section.
      (transceiver.sender as { trackId: string }).trackId = `${kind}-${randomUUID()}`;
      return transceiver.sender;
    };
    this.senders = { audio: sender('audio'), video: sender('video') };
    for (const participant of join.otherParticipants)
      this.noteRemote(participant.identity, participant.state === ParticipantInfo_State.ACTIVE);
    this.publisher.connectionStateChange.subscribe((state) => {
      if (state === 'failed' || state === 'closed') this.lost(`publisher connection ${state}`);
    });
    signal.onMessage = (message) => this.enqueue(message);
    signal.onClose = (reason) => this.lost(reason);
  }

  /** Joins, publishes both tracks and resolves once media can flow; rejects (and cleans up) otherwise. */
  static async join(options: PublisherOptions): Promise<LivekitPublisher> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const { client, join } = await SignalClient.connect(options.url, options.token, timeoutMs);
    const publisher = new LivekitPublisher(client, join, options);
    try {
      await publisher.publish();
      return publisher;
    } catch (error) {
      await publisher.leave();
      throw error;
    }
  }

  /**
   * A sink for one encoder run: its packets are made continuous with the previous run's and
   * written into the tracks (werift stamps the negotiated payload type and SSRC).
   */
  newSegment(): EncodedMediaSink {
    const segment = {};
    const send = (kind: 'video' | 'audio', packet: Buffer) => {
      if (this.left) return;
      const rewritten = this.continuity[kind].rewrite(packet, segment);
      if (!rewritten) return;
      this.senders[kind].sendRtp(rewritten).catch((error: unknown) => {
        this.options.log.debug({ err: String(error), kind }, 'an RTP packet could not be sent');
      });
    };
    return { video: (packet) => send('video', packet), audio: (packet) => send('audio', packet) };
  }

  /**
   * Resolves true once another participant is active in the room (its connection is up, so it
   * receives what is sent from now on), false after `timeoutMs`.
   */
  async waitForOthers(timeoutMs: number): Promise<boolean> {
    if (this.remotes.size > 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const arrived = await Promise.race([
      new Promise<boolean>((resolve) => this.remoteWaiters.push(resolve)),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    return arrived;
  }

  /** Says goodbye, closes both PeerConnections and the socket. Safe to call twice. */
  async leave(): Promise<void> {
    if (this.left) return;
    this.left = true;
    // Waiting for others ends (and its timer with it): nobody is coming for a participant that left.
    for (const waiter of this.remoteWaiters.splice(0)) waiter(false);
    this.signal.send({
      case: 'leave',
      value: new LeaveRequest({
        canReconnect: false,
        reason: DisconnectReason.CLIENT_INITIATED,
        action: LeaveRequest_Action.DISCONNECT,
      }),
    });
    await Promise.allSettled([
      this.publisher.close(),
      this.subscriber.close(),
      this.signal.close(),
    ]);
  }

  private async publish(): Promise<void> {
    const tracks = [
      { sender: this.senders.audio, type: TrackType.AUDIO, source: TrackSource.MICROPHONE },
      { sender: this.senders.video, type: TrackType.VIDEO, source: TrackSource.CAMERA },
    ];
    await Promise.all(
      tracks.map(({ sender, type, source }) => {
        const published = this.next(
          'trackPublished',
          (message) => message.case === 'trackPublished' && message.value.cid === sender.trackId,
        );
        this.signal.send({
          case: 'addTrack',
          value: new AddTrackRequest({
            cid: sender.trackId,
            name: this.options.trackName,
            type,
            source,
            ...(type === TrackType.VIDEO ? this.options.video : {}),
          }),
        });
        return deadline(
          `no track_published for the ${TrackSource[source].toLowerCase()}`,
          this.timeoutMs,
          published,
          this.gone,
        );
      }),
    );
    const offer = await this.publisher.createOffer();
    await this.publisher.setLocalDescription(offer);
    const answered = this.next('answer', (message) => message.case === 'answer');
    this.signal.send({
      case: 'offer',
      value: new SessionDescription({
        type: 'offer',
        sdp: this.publisher.localDescription?.sdp ?? offer.sdp,
        id: 1,
      }),
    });
    await deadline('no answer to the publisher offer', this.timeoutMs, answered, this.gone);
    if (this.publisher.connectionState === 'connected') return;
    await deadline(
      'the publisher connection did not come up',
      this.timeoutMs,
      this.publisher.connectionStateChange.watch((state) => state === 'connected'),
      this.gone,
    );
  }

  /** The next signal message accepted by `match` (handled after the queue applied it). */
  private next(name: string, match: (message: SignalResponseMessage) => boolean): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.set(name + randomUUID(), (message) => {
        if (!match(message)) return false;
        resolve();
        return true;
      });
    });
  }

  private trickle(pc: RTCPeerConnection, target: SignalTarget): void {
    pc.onIceCandidate.subscribe((candidate) => {
      if (!candidate) return;
      this.signal.send({
        case: 'trickle',
        value: new TrickleRequest({ candidateInit: JSON.stringify(candidate.toJSON()), target }),
      });
    });
  }

  private enqueue(message: SignalResponseMessage): void {
    this.queue = this.queue
      .then(() => this.handle(message))
      .catch((error: unknown) =>
        this.options.log.warn(
          { err: String(error), message: message.case },
          'signal message failed',
        ),
      )
      .then(() => {
        for (const [key, waiter] of this.waiters) if (waiter(message)) this.waiters.delete(key);
      });
  }

  private async handle(message: SignalResponseMessage): Promise<void> {
    if (this.left) return;
    switch (message.case) {
      case 'answer':
        await this.publisher.setRemoteDescription({ type: 'answer', sdp: message.value.sdp });
        return;
      case 'offer': {
        await this.subscriber.setRemoteDescription({ type: 'offer', sdp: message.value.sdp });
        const answer = await this.subscriber.createAnswer();
        await this.subscriber.setLocalDescription(answer);
        this.signal.send({
          case: 'answer',
          value: new SessionDescription({
            type: 'answer',
            sdp: this.subscriber.localDescription?.sdp ?? answer.sdp,
            id: message.value.id,
          }),
        });
        return;
      }
      case 'trickle': {
        const pc =
          message.value.target === SignalTarget.SUBSCRIBER ? this.subscriber : this.publisher;
        await pc.addIceCandidate(JSON.parse(message.value.candidateInit));
        return;
      }
      case 'update':
        for (const participant of message.value.participants) {
          if (participant.identity === this.identity) continue;
          this.noteRemote(participant.identity, participant.state === ParticipantInfo_State.ACTIVE);
        }
        return;
      case 'leave':
        this.lost(
          `LiveKit asked the participant to leave (${DisconnectReason[message.value.reason]})`,
        );
        return;
      case 'requestResponse':
        this.options.log.warn(
          { reason: message.value.reason, message: message.value.message },
          'LiveKit refused a request',
        );
        return;
      default:
        return;
    }
  }

  private noteRemote(identity: string, present: boolean): void {
    if (!present) {
      this.remotes.delete(identity);
      return;
    }
    this.remotes.add(identity);
    for (const waiter of this.remoteWaiters.splice(0)) waiter(true);
  }

  private lost(reason: string): void {
    if (this.left) return;
    this.markGone(new Error(reason));
    this.options.log.warn(
      { identity: this.identity, reason },
      'the script participant lost LiveKit',
    );
    void this.leave();
    this.onDisconnected(reason);
  }
}

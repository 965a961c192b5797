import { SessionDescription, SignalTarget, TrickleRequest } from '@livekit/protocol';
import {
  MediaStream,
  RTCPeerConnection,
  type RTCDataChannel,
  type RTCIceCandidateInit,
  type RTCPeerConnectionConfig,
  type RTCRtpTransceiver,
} from 'werift';
import { errorMessage, type MediaLogger } from './logger.ts';
import type { RtpForwarder } from './rtp-forwarder.ts';
import { whenConnectionSettled } from './peer-config.ts';
import type { SignalMessage } from './signal-connection.ts';

export interface DownTrackSource {
  trackSid: string;
  publisherSid: string;
  forwarder: RtpForwarder;
}

interface DownTrack extends DownTrackSource {
  transceiver?: RTCRtpTransceiver;
  removed: boolean;
  /** A keyframe has been requested since this track became sendable. */
  primed: boolean;
}

const SETTLE_TIMEOUT_MS = 10_000;

/**
 * The server-offered PeerConnection that sends media to one client (the client's "subscriber"
 * PC). One offer is in flight at a time; changes made meanwhile are applied while the
 * connection is stable and go out in the next offer. Offer ids are echoed by the client.
 */
export class SubscriberTransport {
  onConnected: () => void = () => {};
  /** ICE/DTLS failed (e.g. consent expired): werift sends nothing more on this connection. */
  onFailed: () => void = () => {};
  private readonly pc: RTCPeerConnection;
  private readonly channels = new Map<string, RTCDataChannel>();
  private readonly downTracks = new Map<string, DownTrack>();
  private pendingChanges: Array<() => void> = [];
  private offerId = 0;
  private inFlightOfferId?: number;
  private negotiationRequested = false;
  private wasConnected = false;
  private started = false;
  private closed = false;

  constructor(
    config: RTCPeerConnectionConfig,
    private readonly sendSignal: (message: SignalMessage) => void,
    private readonly logger: MediaLogger,
  ) {
    this.pc = new RTCPeerConnection(config);
    // The client adopts these by label; the offer needs an m-section for ICE/DTLS to start.
    this.channels.set('_reliable', this.pc.createDataChannel('_reliable', { ordered: true }));
    this.channels.set(
      '_lossy',
      this.pc.createDataChannel('_lossy', { ordered: false, maxRetransmits: 0 }),
    );
    this.pc.onIceCandidate.subscribe((candidate) => {
      if (!candidate) return;
      this.sendSignal({
        case: 'trickle',
        value: new TrickleRequest({
          candidateInit: JSON.stringify(candidate.toJSON()),
          target: SignalTarget.SUBSCRIBER,
        }),
      });
    });
    this.pc.connectionStateChange.subscribe((state) => {
      this.logger.debug({ state }, 'subscriber connection state');
      if (state === 'connected') {
        this.primeSendableTracks();
        if (!this.wasConnected) {
          this.wasConnected = true;
          this.onConnected();
        }
      } else if (state === 'failed') {
        this.onFailed();
      }
    });
  }

  get isConnected(): boolean {
    return this.pc.connectionState === 'connected';
  }

  hasTrack(trackSid: string): boolean {
    const downTrack = this.downTracks.get(trackSid);
    return downTrack !== undefined && !downTrack.removed;
  }

  /** Sends the first offer (data channels only; tracks added before follow in the next one). */
  start(): void {
    this.started = true;
    this.negotiate();
  }

  addTrack(source: DownTrackSource): void {
    if (this.closed || this.hasTrack(source.trackSid)) return;
    const downTrack: DownTrack = { ...source, removed: false, primed: false };
    this.downTracks.set(source.trackSid, downTrack);
    this.pendingChanges.push(() => {
      if (downTrack.removed) return;
      const stream = new MediaStream({ id: `${source.publisherSid}|${source.trackSid}` });
      const transceiver = this.pc.addTransceiver(source.forwarder.kind, {
        direction: 'sendonly',
        streams: [stream],
      });
      // msid = "PA_…|TR_… TR_…": livekit-client drops tracks without a stream id it can map.
      (transceiver.sender as { trackId: string }).trackId = source.trackSid;
      downTrack.transceiver = transceiver;
      source.forwarder.addSink(this.sinkId(source.trackSid), transceiver.sender);
    });
    this.negotiate();
  }

  removeTrack(trackSid: string): void {
    const downTrack = this.downTracks.get(trackSid);
    if (!downTrack || downTrack.removed) return;
    downTrack.removed = true;
    this.downTracks.delete(trackSid);
    downTrack.forwarder.removeSink(this.sinkId(trackSid));
    const transceiver = downTrack.transceiver;
    if (!transceiver) return;
    this.pendingChanges.push(() => this.pc.removeTrack(transceiver.sender));
    this.negotiate();
  }

  async handleAnswer(description: SessionDescription): Promise<void> {
    if (this.closed) return;
    // An answer names the offer it answers; id 0 names none (LiveKit's Rust SDK, older
    // clients), and a real LiveKit takes it as the answer to the offer in flight.
    if (
      this.inFlightOfferId === undefined ||
      (description.id !== 0 && description.id !== this.inFlightOfferId)
    ) {
      this.logger.warn(
        { id: description.id, expected: this.inFlightOfferId },
        'ignoring stale answer',
      );
      return;
    }
    try {
      if (process.env.DBG_SDP)
        console.log(
          'SUB ANSWER\n' + description.sdp + '\nSUB OFFER WAS\n' + this.pc.localDescription?.sdp,
        );
      await this.pc.setRemoteDescription({ type: 'answer', sdp: description.sdp });
    } catch (error) {
      this.logger.error({ err: errorMessage(error) }, 'subscriber answer rejected');
    }
    this.inFlightOfferId = undefined;
    this.primeSendableTracks();
    if (this.negotiationRequested) void this.sendOffer();
  }

  async addIceCandidate(candidateInit: string): Promise<void> {
    if (this.closed) return;
    await this.pc.addIceCandidate(JSON.parse(candidateInit) as RTCIceCandidateInit);
  }

  sendData(payload: Uint8Array, reliable: boolean): void {
    const channel = this.channels.get(reliable ? '_reliable' : '_lossy');
    if (channel?.readyState !== 'open') return;
    channel.send(Buffer.from(payload));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const trackSid of [...this.downTracks.keys()]) this.removeTrack(trackSid);
    this.pc.close().catch((error: unknown) => {
      this.logger.debug({ err: errorMessage(error) }, 'subscriber close failed');
    });
  }

  private negotiate(): void {
    this.negotiationRequested = true;
    // Nothing may be offered before the JoinResponse has gone out.
    if (!this.started || this.inFlightOfferId !== undefined || this.closed) return;
    void this.sendOffer();
  }

  private async sendOffer(): Promise<void> {
    if (this.closed) return;
    const id = ++this.offerId;
    this.inFlightOfferId = id;
    try {
      await whenConnectionSettled(this.pc, SETTLE_TIMEOUT_MS);
      if (this.closed) return;
      // The first offer carries only the data channels, as LiveKit's does, so the application
      // m-section is mid 0 and tags the BUNDLE group for good. Were a track first, removing it
      // later would reject the group's tag and Chromium would refuse every later offer ("The m=
      // section with mid='2' should be rejected"). Tracks already in the room follow at once in
      // the second offer.
      const firstOffer = id === 1;
      const changes = firstOffer ? [] : this.pendingChanges;
      if (!firstOffer) this.pendingChanges = [];
      this.negotiationRequested = this.pendingChanges.length > 0;
      for (const change of changes) change();
      const offer = await this.pc.createOffer();
      await this.pc.setLocalDescription(offer);
      if (this.closed) return;
      this.sendSignal({
        case: 'offer',
        value: new SessionDescription({
          type: 'offer',
          sdp: this.pc.localDescription?.sdp ?? offer.sdp,
          id,
          midToTrackId: this.midToTrackId(),
        }),
      });
    } catch (error) {
      this.inFlightOfferId = undefined;
      this.logger.error({ err: errorMessage(error) }, 'subscriber offer failed');
    }
  }

  private midToTrackId(): Record<string, string> {
    const map: Record<string, string> = {};
    for (const downTrack of this.downTracks.values()) {
      const mid = downTrack.transceiver?.mid;
      if (mid) map[mid] = downTrack.trackSid;
    }
    return map;
  }

  /** Once a down track can actually send, ask its publisher for a keyframe to start from. */
  private primeSendableTracks(): void {
    if (!this.isConnected) return;
    for (const downTrack of this.downTracks.values()) {
      if (downTrack.primed || !downTrack.transceiver?.sender.codec) continue;
      downTrack.primed = true;
      downTrack.forwarder.requestKeyframe();
    }
  }

  private sinkId(trackSid: string): string {
    return `${this.pc.id}:${trackSid}`;
  }
}

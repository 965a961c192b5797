import { SessionDescription, SignalTarget, TrickleRequest } from '@livekit/protocol';
import {
  RTCPeerConnection,
  type RTCIceCandidateInit,
  type RTCPeerConnectionConfig,
  type RTCRtpTransceiver,
} from 'werift';
import { errorMessage, type MediaLogger } from './logger.ts';
import { whenConnectionSettled } from './peer-config.ts';
import { keepInactiveSectionsBundled, parseMediaSections, type MediaSection } from './sdp.ts';
import type { SignalMessage } from './signal-connection.ts';

/** Below the client's 15 s wait for an answer. */
const SETTLE_TIMEOUT_MS = 10_000;

/**
 * The PeerConnection that receives one client's media (the client's "publisher" PC): the
 * client offers, the server answers with the same offer id. The client's data channels
 * (`_reliable`, `_lossy`, `_data_track`) arrive in-band and are accepted here.
 */
export class PublisherTransport {
  onData: (payload: Buffer, reliable: boolean) => void = () => {};
  /** ICE/DTLS failed (e.g. consent expired): werift sends nothing more on this connection. */
  onFailed: () => void = () => {};
  private readonly pc: RTCPeerConnection;
  private closed = false;

  constructor(
    config: RTCPeerConnectionConfig,
    private readonly sendSignal: (message: SignalMessage) => void,
    private readonly logger: MediaLogger,
  ) {
    this.pc = new RTCPeerConnection(config);
    // Every m-line here is the client's and stays in its offers. werift would recycle one that
    // was answered "inactive" (a recvonly section, as rtc-node offers) for the next transceiver
    // a renegotiation adds, losing that section: the answer then failed with "Transceiver with
    // mid=… not found" and rtc-node's camera was never published. Marked in use, none is.
    this.pc.onTransceiverAdded.subscribe((transceiver) => {
      transceiver.usedForSender = true;
    });
    this.pc.onIceCandidate.subscribe((candidate) => {
      if (!candidate) return;
      this.sendSignal({
        case: 'trickle',
        value: new TrickleRequest({
          candidateInit: JSON.stringify(candidate.toJSON()),
          target: SignalTarget.PUBLISHER,
        }),
      });
    });
    this.pc.connectionStateChange.subscribe((state) => {
      this.logger.debug({ state }, 'publisher connection state');
      if (state === 'failed') this.onFailed();
    });
    this.pc.onDataChannel.subscribe((channel) => {
      this.logger.debug({ label: channel.label }, 'publisher data channel opened');
      const reliable = channel.label === '_reliable';
      if (!reliable && channel.label !== '_lossy') return;
      channel.onMessage.subscribe((data) => {
        if (typeof data !== 'string') this.onData(data, reliable);
      });
    });
  }

  /** Applies a client offer, answers it, and returns the offer's m-sections. */
  async handleOffer(description: SessionDescription): Promise<MediaSection[]> {
    if (this.closed) return [];
    const startedAt = Date.now();
    await whenConnectionSettled(this.pc, SETTLE_TIMEOUT_MS);
    await this.pc.setRemoteDescription({ type: 'offer', sdp: description.sdp });
    answerAsDtlsServer(this.pc);
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    this.sendSignal({
      case: 'answer',
      value: new SessionDescription({
        type: 'answer',
        sdp: keepInactiveSectionsBundled(this.pc.localDescription?.sdp ?? answer.sdp),
        id: description.id,
      }),
    });
    this.logger.debug(
      { id: description.id, ms: Date.now() - startedAt },
      'publisher offer answered',
    );
    return parseMediaSections(description.sdp);
  }

  transceiverByMid(mid: string): RTCRtpTransceiver | undefined {
    return this.pc.getTransceivers().find((transceiver) => transceiver.mid === mid);
  }

  async addIceCandidate(candidateInit: string): Promise<void> {
    if (this.closed) return;
    await this.pc.addIceCandidate(JSON.parse(candidateInit) as RTCIceCandidateInit);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pc.close().catch((error: unknown) => {
      this.logger.debug({ err: errorMessage(error) }, 'publisher close failed');
    });
  }
}

/**
 * Answers `a=setup:passive`, so the browser is the DTLS client and sends its ClientHello the
 * moment ICE connects. werift left to itself answers `active` and, as a DTLS client, waits a
 * fixed 100 ms before its first flight: one more tenth of a second before a publisher's media
 * reaches anyone (measured by `npm run bench:media`). Both setups are valid answers; the role
 * then stays the same for every renegotiation of the connection.
 */
function answerAsDtlsServer(pc: RTCPeerConnection): void {
  for (const transport of pc.dtlsTransports)
    if (transport.role === 'auto') transport.role = 'server';
}

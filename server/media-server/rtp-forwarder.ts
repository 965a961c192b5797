import {
  Vp8RtpPayload,
  type MediaStreamTrack,
  type RTCRtpReceiver,
  type RTCRtpSender,
  type RtpPacket,
} from 'werift';
import { errorMessage, type MediaLogger } from './logger.ts';

const KEYFRAME_REQUEST_INTERVAL_MS = 250;
/** Asked again this often until a keyframe has passed (encoders ignore requests that come too soon). */
const KEYFRAME_RETRY_MS = 500;

interface Sink {
  sender: RTCRtpSender;
  stopPliRelay: () => void;
}

/**
 * Fans one published track's RTP out to every subscriber's sender, and relays keyframe
 * requests back to the publisher. Without the relay a subscriber that attaches mid-stream
 * decodes nothing until the publisher's next spontaneous keyframe.
 */
export class RtpForwarder {
  private readonly sinks = new Map<string, Sink>();
  private readonly stopReceiving: () => void;
  private lastKeyframeRequest = 0;
  private keyframeTimer?: NodeJS.Timeout;
  /** A subscriber waits for a keyframe: ask until one passes through. */
  private keyframeWanted = false;
  private keyframeRetry?: NodeJS.Timeout;
  private closed = false;
  /** Packets received from the publisher; read by the benchmark and tests. */
  packetsReceived = 0;

  constructor(
    private readonly receiver: RTCRtpReceiver,
    private readonly track: MediaStreamTrack,
    private readonly logger: MediaLogger,
  ) {
    this.stopReceiving = track.onReceiveRtp.subscribe((packet) => this.forward(packet)).unSubscribe;
  }

  get kind(): 'audio' | 'video' {
    return this.track.kind as 'audio' | 'video';
  }

  get sinkCount(): number {
    return this.sinks.size;
  }

  addSink(id: string, sender: RTCRtpSender): void {
    this.removeSink(id);
    const { unSubscribe } = sender.onPictureLossIndication.subscribe(() => this.requestKeyframe());
    this.sinks.set(id, { sender, stopPliRelay: unSubscribe });
  }

  removeSink(id: string): void {
    const sink = this.sinks.get(id);
    if (!sink) return;
    sink.stopPliRelay();
    this.sinks.delete(id);
  }

  /**
   * Asks the publisher for a keyframe (video only), coalescing bursts of requests, and asks
   * again until one has passed through: a libwebrtc encoder ignores a request that comes right
   * after its own keyframe (which the new subscriber may have missed), and then sends none for
   * minutes.
   */
  requestKeyframe(): void {
    if (this.closed || this.track.kind !== 'video') return;
    this.keyframeWanted = true;
    if (!this.keyframeRetry) {
      this.keyframeRetry = setInterval(() => {
        if (this.keyframeWanted) this.sendKeyframeRequest();
        else {
          clearInterval(this.keyframeRetry);
          this.keyframeRetry = undefined;
        }
      }, KEYFRAME_RETRY_MS);
    }
    this.sendKeyframeRequest();
  }

  private sendKeyframeRequest(): void {
    if (this.closed || this.keyframeTimer) return;
    const wait = this.lastKeyframeRequest + KEYFRAME_REQUEST_INTERVAL_MS - Date.now();
    if (wait > 0) {
      this.keyframeTimer = setTimeout(() => {
        this.keyframeTimer = undefined;
        this.sendKeyframeRequest();
      }, wait);
      return;
    }
    this.lastKeyframeRequest = Date.now();
    const ssrc = this.track.ssrc;
    if (ssrc === undefined) return;
    this.receiver.sendRtcpPLI(ssrc).catch((error: unknown) => {
      this.logger.debug({ err: errorMessage(error) }, 'PLI to publisher failed');
    });
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.keyframeTimer);
    clearInterval(this.keyframeRetry);
    this.stopReceiving();
    for (const id of [...this.sinks.keys()]) this.removeSink(id);
  }

  private forward(packet: RtpPacket): void {
    this.packetsReceived++;
    if (this.keyframeWanted && isKeyframeStart(packet)) this.keyframeWanted = false;
    if (this.sinks.size === 0) return;
    // The publisher's header extension ids mean nothing on the subscriber's connection.
    packet.header.extension = false;
    packet.header.extensions = [];
    for (const { sender } of this.sinks.values()) {
      // sendRtp rewrites SSRC, payload type and offsets in place: give each sender its own header.
      sender.sendRtp(packet.clone()).catch((error: unknown) => {
        this.logger.debug({ err: errorMessage(error) }, 'RTP forward failed');
      });
    }
  }
}

/** The first packet of a VP8 keyframe (the only video codec this server negotiates). */
function isKeyframeStart(packet: RtpPacket): boolean {
  try {
    const vp8 = Vp8RtpPayload.deSerialize(packet.payload);
    return vp8.isPartitionHead && vp8.isKeyframe;
  } catch {
    return false;
  }
}

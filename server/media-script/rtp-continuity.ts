/**
 * Keeps one outgoing RTP stream continuous across encoder restarts. Every play step starts a new
 * ffmpeg, whose RTP starts at a random sequence number and timestamp; sent as is, the receiver
 * would see a jump backwards or far forwards and drop or stall. Each new source is shifted so its
 * first packet follows the last one sent: the next sequence number, and a timestamp advanced by
 * the wall-clock time in between (the pause the agent experienced).
 */

const SEQUENCE_MODULO = 0x1_0000;
const TIMESTAMP_MODULO = 0x1_0000_0000;

export class RtpContinuity {
  private source?: object;
  private sequenceOffset = 0;
  private timestampOffset = 0;
  private last?: { sequence: number; timestamp: number; atMs: number };

  constructor(
    private readonly clockRate: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * Rewrites the packet's sequence number and timestamp in place and returns it. `source`
   * identifies the encoder run that produced it (any object; a new one starts a new segment).
   * Returns undefined for something that is not an RTP packet.
   */
  rewrite(packet: Buffer, source: object): Buffer | undefined {
    if (packet.length < 12 || packet[0] >> 6 !== 2) return undefined;
    const sequence = packet.readUInt16BE(2);
    const timestamp = packet.readUInt32BE(4);
    if (source !== this.source) {
      this.source = source;
      if (this.last) {
        const elapsedMs = Math.max(1, this.now() - this.last.atMs);
        const advance = Math.max(1, Math.round((elapsedMs * this.clockRate) / 1000));
        this.sequenceOffset = mod(this.last.sequence + 1 - sequence, SEQUENCE_MODULO);
        this.timestampOffset = mod(this.last.timestamp + advance - timestamp, TIMESTAMP_MODULO);
      } else {
        this.sequenceOffset = 0;
        this.timestampOffset = 0;
      }
    }
    const outSequence = mod(sequence + this.sequenceOffset, SEQUENCE_MODULO);
    const outTimestamp = mod(timestamp + this.timestampOffset, TIMESTAMP_MODULO);
    packet.writeUInt16BE(outSequence, 2);
    packet.writeUInt32BE(outTimestamp, 4);
    this.last = { sequence: outSequence, timestamp: outTimestamp, atMs: this.now() };
    return packet;
  }
}

function mod(value: number, modulo: number): number {
  return ((value % modulo) + modulo) % modulo;
}

/** RTCP packet types (SR, RR, SDES, BYE, APP) share the port with RTP; they are not media. */
export function isRtcp(packet: Buffer): boolean {
  return packet.length >= 2 && packet[1] >= 200 && packet[1] <= 204;
}

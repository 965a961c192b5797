/**
 * The media half of the test phone: G.711 μ-law RTP on one UDP socket, a 20 ms packet clock
 * that sends a tone (or silence), RFC 4733 DTMF events both ways, and what was heard: every
 * received sample (for a WAV recording), how loud it was, and when sound first arrived.
 */
import { createSocket, type Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { randomInt } from 'node:crypto';
import { decodePcmu, encodePcmu, rms } from './g711.ts';

export const SAMPLE_RATE = 8000;
const SAMPLES_PER_PACKET = 160; // 20 ms
const PCMU = 0;
/** Louder than this (RMS of 16-bit samples) counts as sound rather than silence or noise. */
export const SOUND_THRESHOLD = 200;
/** RFC 4733 event codes. */
const DTMF_CODES = '0123456789*#ABCD';

export interface RtpSessionEvents {
  /** A DTMF digit the other side sent (once per key press). */
  dtmf: [digit: string];
  /** The first packet louder than SOUND_THRESHOLD. */
  sound: [at: number];
}

export interface HeardAudio {
  samples: Int16Array;
  packets: number;
  /** Packets louder than SOUND_THRESHOLD. */
  loudPackets: number;
  /** performance.now() of the first loud packet. */
  firstSoundAt?: number;
  /** The loudest packet's RMS. */
  peakRms: number;
}

export class RtpSession extends EventEmitter<RtpSessionEvents> {
  readonly socket: Socket;
  private remote?: { address: string; port: number };
  private telephoneEventType = 101;
  private readonly ssrc = randomInt(1, 2 ** 31);
  private sequence = randomInt(0, 2 ** 15);
  private timestamp = randomInt(0, 2 ** 30);
  private clock?: NodeJS.Timeout;
  private startedAt = 0;
  private packetsSent = 0;
  private phase = 0;
  private toneHz: number;
  private pendingDigits: string[] = [];
  private currentDigit?: { code: number; startTimestamp: number; packets: number };
  private readonly heardChunks: Int16Array[] = [];
  private readonly heardStats = { packets: 0, loudPackets: 0, peakRms: 0 } as {
    packets: number;
    loudPackets: number;
    peakRms: number;
    firstSoundAt?: number;
  };
  private lastDtmfTimestamp?: number;

  private constructor(socket: Socket, toneHz: number) {
    super();
    this.socket = socket;
    this.toneHz = toneHz;
    socket.on('message', (packet, from) => this.receive(packet, from));
  }

  /** Binds a socket on `host` (an even port, as RTP expects). */
  static async open(host: string, toneHz: number): Promise<RtpSession> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const socket = createSocket('udp4');
      const port = await new Promise<number>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(0, host, () => resolve(socket.address().port));
      });
      if (port % 2 === 0) return new RtpSession(socket, toneHz);
      socket.close();
    }
    throw new Error('could not bind an even RTP port');
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Where to send, and the other side's payload type for telephone-event. */
  connect(remote: { address: string; port: number }, telephoneEventType?: number): void {
    this.remote = remote;
    if (telephoneEventType !== undefined) this.telephoneEventType = telephoneEventType;
  }

  /** Starts the 20 ms packet clock (tone, or silence with `toneHz` 0). */
  start(): void {
    if (this.clock) return;
    this.startedAt = performance.now();
    this.packetsSent = 0;
    this.clock = setInterval(() => this.tick(), 10);
  }

  setTone(hz: number): void {
    this.toneHz = hz;
  }

  /** Queues DTMF digits, each sent as a 100 ms RFC 4733 event with 60 ms between them. */
  sendDtmf(digits: string): void {
    for (const digit of digits.toUpperCase()) {
      if (!DTMF_CODES.includes(digit)) throw new Error(`"${digit}" is not a DTMF digit`);
      this.pendingDigits.push(digit);
    }
  }

  heard(): HeardAudio {
    const total = this.heardChunks.reduce((sum, chunk) => sum + chunk.length, 0);
    const samples = new Int16Array(total);
    let offset = 0;
    for (const chunk of this.heardChunks) {
      samples.set(chunk, offset);
      offset += chunk.length;
    }
    return { samples, ...this.heardStats };
  }

  close(): void {
    clearInterval(this.clock);
    this.clock = undefined;
    try {
      this.socket.close();
    } catch {
      // Already closed.
    }
  }

  /** Sends every packet due by now, so a late timer never slows the stream. */
  private tick(): void {
    if (!this.remote) return;
    const due = Math.floor((performance.now() - this.startedAt) / 20) + 1;
    while (this.packetsSent < due) {
      this.sendNext();
      this.packetsSent++;
    }
  }

  private sendNext(): void {
    if (this.currentDigit || this.pendingDigits.length > 0) return this.sendDtmfPacket();
    const samples = new Int16Array(SAMPLES_PER_PACKET);
    if (this.toneHz > 0) {
      const step = (2 * Math.PI * this.toneHz) / SAMPLE_RATE;
      for (let index = 0; index < samples.length; index++) {
        samples[index] = Math.round(8000 * Math.sin(this.phase));
        this.phase += step;
      }
      this.phase %= 2 * Math.PI;
    }
    this.send(PCMU, encodePcmu(samples), this.packetsSent === 0);
    this.timestamp = (this.timestamp + SAMPLES_PER_PACKET) >>> 0;
  }

  /** One 20 ms step of the digit being sent: 5 packets of the event, 3 end packets, 3 of gap. */
  private sendDtmfPacket(): void {
    if (!this.currentDigit) {
      const digit = this.pendingDigits.shift()!;
      this.currentDigit = {
        code: DTMF_CODES.indexOf(digit),
        startTimestamp: this.timestamp,
        packets: 0,
      };
    }
    const event = this.currentDigit;
    event.packets++;
    if (event.packets <= 8) {
      const ended = event.packets > 5;
      const duration = Math.min(event.packets, 5) * SAMPLES_PER_PACKET;
      const payload = Buffer.alloc(4);
      payload[0] = event.code;
      payload[1] = (ended ? 0x80 : 0) | 10; // E bit, volume -10 dBm0
      payload.writeUInt16BE(duration, 2);
      this.send(this.telephoneEventType, payload, event.packets === 1, event.startTimestamp);
    } else {
      // A short pause of silence between digits, so each is a separate key press.
      this.send(PCMU, Buffer.alloc(SAMPLES_PER_PACKET, 0xff), false);
      if (event.packets >= 11) this.currentDigit = undefined;
    }
    this.timestamp = (this.timestamp + SAMPLES_PER_PACKET) >>> 0;
  }

  private send(
    payloadType: number,
    payload: Buffer,
    marker: boolean,
    timestamp = this.timestamp,
  ): void {
    const header = Buffer.alloc(12);
    header[0] = 0x80;
    header[1] = (marker ? 0x80 : 0) | payloadType;
    header.writeUInt16BE(this.sequence, 2);
    header.writeUInt32BE(timestamp >>> 0, 4);
    header.writeUInt32BE(this.ssrc, 8);
    this.sequence = (this.sequence + 1) & 0xffff;
    this.socket.send(Buffer.concat([header, payload]), this.remote!.port, this.remote!.address);
  }

  private receive(packet: Buffer, from: { address: string; port: number }): void {
    if (packet.length < 12 || packet[0] >> 6 !== 2) return;
    // Symmetric RTP: answer where the other side really sends from.
    if (!this.remote) this.remote = { address: from.address, port: from.port };
    const csrcCount = packet[0] & 0x0f;
    const hasExtension = (packet[0] & 0x10) !== 0;
    const payloadType = packet[1] & 0x7f;
    let offset = 12 + csrcCount * 4;
    if (hasExtension && packet.length >= offset + 4)
      offset += 4 + packet.readUInt16BE(offset + 2) * 4;
    let end = packet.length;
    if ((packet[0] & 0x20) !== 0) end -= packet[packet.length - 1]; // padding
    const payload = packet.subarray(offset, end);
    if (payloadType === PCMU) {
      const samples = decodePcmu(payload);
      this.heardChunks.push(samples);
      const loudness = rms(samples);
      this.heardStats.packets++;
      this.heardStats.peakRms = Math.max(this.heardStats.peakRms, loudness);
      if (loudness > SOUND_THRESHOLD) {
        this.heardStats.loudPackets++;
        if (this.heardStats.firstSoundAt === undefined) {
          this.heardStats.firstSoundAt = performance.now();
          this.emit('sound', this.heardStats.firstSoundAt);
        }
      }
      return;
    }
    if (
      payloadType === this.telephoneEventType &&
      payload.length >= 4 &&
      (payload[1] & 0x80) !== 0
    ) {
      // The end of an event (sent up to three times): one digit per event timestamp.
      const timestamp = packet.readUInt32BE(4);
      if (timestamp === this.lastDtmfTimestamp) return;
      this.lastDtmfTimestamp = timestamp;
      const digit = DTMF_CODES[payload[0]];
      if (digit) this.emit('dtmf', digit);
    }
  }
}

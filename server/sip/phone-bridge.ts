/**
 * A completed warm transfer to a phone number: the caller's phone (in its call's room) and the
 * number's phone (in the consultation's room) talk to each other through call control. The
 * open-source livekit-server (1.13.5) does not implement MoveParticipant or ForwardParticipant,
 * and a SIP participant cannot be re-dialled into another room without hanging it up, so each
 * room gets a bridge participant (`bridge:<callId>`, rtc-node) that subscribes to that room's
 * phone only and publishes, as its microphone, what the other room's phone says.
 *
 *   const bridge = await PhoneBridge.open({ a: { room, identity }, b: { room, identity }, … });
 *   await bridge.done;   // either phone hung up: both rooms are closed (the other phone gets BYE)
 *
 * Nothing is recorded past this point (as with a blind transfer to a number): the calls ended
 * `transferred` when the bridge opened.
 */
import {
  AudioSource,
  AudioStream,
  LocalAudioTrack,
  Room,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
  type AudioFrame,
  type RemoteParticipant,
  type RemoteTrack,
} from '@livekit/rtc-node';
import type { RoomServiceClient } from 'livekit-server-sdk';
import { TrackSource as GrantSource } from 'livekit-server-sdk';
import { mintRoomToken } from '../media/livekit-tokens.ts';

const SAMPLE_RATE = 48_000;
const BRIDGE_TOKEN_TTL_SECONDS = 60;

export const bridgeIdentity = (callId: string) => `bridge:${callId}`;

/** One side: a room and the phone (its participant identity) in it. */
export interface BridgeSide {
  room: string;
  identity: string;
}

export interface PhoneBridgeOptions {
  callId: string;
  a: BridgeSide;
  b: BridgeSide;
  url: string;
  apiKey: string;
  apiSecret: string;
  rooms: Pick<RoomServiceClient, 'deleteRoom' | 'removeParticipant'>;
  log: {
    info(details: object, message: string): void;
    warn(details: object, message: string): void;
  };
}

interface Leg {
  side: BridgeSide;
  room: Room;
  source: AudioSource;
}

export class PhoneBridge {
  /** Settles once the bridge is over and both rooms are closed. Never rejects. */
  readonly done: Promise<void>;
  private ending?: () => void;
  private readonly readers: ReadableStreamDefaultReader<AudioFrame>[] = [];

  private constructor(
    private readonly options: PhoneBridgeOptions,
    private readonly legs: [Leg, Leg],
  ) {
    this.done = new Promise<void>((resolve) => (this.ending = resolve)).then(() => this.close());
  }

  /** Joins both rooms, publishes a microphone in each and starts relaying; throws if it cannot. */
  static async open(options: PhoneBridgeOptions): Promise<PhoneBridge> {
    const joined: Leg[] = [];
    try {
      for (const side of [options.a, options.b]) joined.push(await joinSide(options, side));
    } catch (error) {
      for (const leg of joined) await leg.room.disconnect().catch(() => undefined);
      throw error;
    }
    // The agent's tab leaves both rooms with the calls' end; it is not waited for.
    for (const leg of joined)
      for (const participant of leg.room.remoteParticipants.values())
        if (/^(agent|caller):/.test(participant.identity))
          void options.rooms
            .removeParticipant(leg.side.room, participant.identity)
            .catch(() => undefined);
    const bridge = new PhoneBridge(options, joined as [Leg, Leg]);
    bridge.relay(joined[0], joined[1]);
    bridge.relay(joined[1], joined[0]);
    return bridge;
  }

  /** Ends the bridge at once (call control shutting down). */
  stop(): Promise<void> {
    this.ending?.();
    return this.done;
  }

  /** What `from`'s phone says is published into `to`'s room; its hanging up ends the bridge. */
  private relay(from: Leg, to: Leg): void {
    const isPhone = (participant: RemoteParticipant) => participant.identity === from.side.identity;
    const consume = (track: RemoteTrack, participant: RemoteParticipant) => {
      if (!isPhone(participant) || track.kind !== TrackKind.KIND_AUDIO) return;
      const reader = new AudioStream(track, SAMPLE_RATE, 1).getReader();
      this.readers.push(reader);
      void (async () => {
        for (;;) {
          const { done, value } = await reader
            .read()
            .catch(() => ({ done: true as const, value: undefined }));
          if (done) return;
          await to.source.captureFrame(value).catch(() => undefined);
        }
      })();
    };
    from.room.on(RoomEvent.TrackSubscribed, (track, _publication, participant) =>
      consume(track, participant),
    );
    // Tracks the phone published before the bridge joined.
    for (const participant of from.room.remoteParticipants.values())
      for (const publication of participant.trackPublications.values())
        if (publication.track) consume(publication.track, participant);
    from.room.on(RoomEvent.ParticipantDisconnected, (participant) => {
      if (!isPhone(participant)) return;
      this.options.log.info(
        { room: from.side.room, identity: participant.identity },
        'a bridged phone hung up: closing both rooms',
      );
      this.ending?.();
    });
    from.room.on(RoomEvent.Disconnected, () => this.ending?.());
    // The phone left before the bridge joined.
    if (![...from.room.remoteParticipants.values()].some(isPhone))
      queueMicrotask(() => this.ending?.());
  }

  private async close(): Promise<void> {
    this.ending = undefined;
    for (const reader of this.readers) void reader.cancel().catch(() => undefined);
    for (const leg of this.legs) {
      await leg.room.disconnect().catch(() => undefined);
      // The other phone gets its BYE.
      await this.options.rooms.deleteRoom(leg.side.room).catch((error: unknown) => {
        this.options.log.warn(
          { err: error, room: leg.side.room },
          'could not close a bridged room',
        );
      });
    }
  }
}

async function joinSide(options: PhoneBridgeOptions, side: BridgeSide): Promise<Leg> {
  const token = await mintRoomToken(
    options.apiKey,
    options.apiSecret,
    { room: side.room, identity: bridgeIdentity(options.callId), name: 'Transfer' },
    {
      canPublish: true,
      canSubscribe: true,
      canPublishData: false,
      canPublishSources: [GrantSource.MICROPHONE],
    },
    BRIDGE_TOKEN_TTL_SECONDS,
  );
  const room = new Room();
  await room.connect(options.url, token, { autoSubscribe: true, dynacast: false });
  const source = new AudioSource(SAMPLE_RATE, 1);
  const track = LocalAudioTrack.createAudioTrack('microphone', source);
  await room.localParticipant!.publishTrack(
    track,
    new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }),
  );
  return { side, room, source };
}

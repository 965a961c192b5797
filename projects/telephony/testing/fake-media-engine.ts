import type {
  CallMedia,
  CallMediaEvents,
  MediaEngine,
  MediaJoinRequest,
  MediaPreparation,
  MediaPrepareRequest,
} from '../src/media/media-engine';
import type { HoldAudio } from '../src/media/hold-audio';
import { TypedEmitter } from '../src/shared/typed-emitter';

/** One join the SDK asked for; the test plays the media stack through `emit…()`. */
export class FakeCallMedia extends TypedEmitter<CallMediaEvents> implements CallMedia {
  left = false;

  constructor(readonly request: MediaJoinRequest) {
    super();
  }

  leave(): void {
    this.left = true;
  }

  /** The hold calls the SDK made, in order ('hold-sending', 'resume-receiving', …). */
  readonly holdCalls: string[] = [];
  holdSending(): void {
    this.holdCalls.push('hold-sending');
  }
  resumeSending(): void {
    this.holdCalls.push('resume-sending');
  }
  holdReceiving(): void {
    this.holdCalls.push('hold-receiving');
  }
  resumeReceiving(): void {
    this.holdCalls.push('resume-receiving');
  }

  emitLocalStream(stream: MediaStream | null): void {
    this.emit('localStreamChanged', stream);
  }

  emitRemoteStream(stream: MediaStream | null): void {
    this.emit('remoteStreamChanged', stream);
  }
}

/** A media engine for unit tests: records every preparation and join (never imported by app code). */
export class FakeMediaEngine implements MediaEngine {
  readonly joins: FakeCallMedia[] = [];
  readonly preparations: { request: MediaPrepareRequest; cancelled: boolean }[] = [];

  prepare(request: MediaPrepareRequest): MediaPreparation {
    const preparation = { request, cancelled: false };
    this.preparations.push(preparation);
    return { cancel: () => (preparation.cancelled = true) };
  }

  join(request: MediaJoinRequest): FakeCallMedia {
    const media = new FakeCallMedia(request);
    this.joins.push(media);
    return media;
  }

  get latest(): FakeCallMedia {
    const media = this.joins.at(-1);
    if (!media) throw new Error('nothing joined yet');
    return media;
  }
}

/** Hold audio for unit tests: counts what the SDK started and stopped. */
export class FakeHoldAudio implements HoldAudio {
  playing = false;
  starts = 0;
  start(): void {
    this.playing = true;
    this.starts++;
  }
  stop(): void {
    this.playing = false;
  }
}

let context: AudioContext | null = null;

/** A MediaStream with one real (silent) audio track, standing in for a party's media. */
export function audioStream(): MediaStream {
  context ??= new AudioContext();
  return context.createMediaStreamDestination().stream;
}

/**
 * Greeting and music for phone callers (a ring group's `queueGreeting` / `queueMusic`). A phone
 * call to such a group gets a waiting-audio participant (`waiting:<callId>`) in its room at once:
 * its audio makes LiveKit SIP answer the phone, the greeting plays once, then the music loops.
 * The step in which an agent answers stops it (the agent's media joins a room the music is
 * leaving), and so does the call's end. When an agent holds the call (or a blind transfer holds
 * it), the same music plays again, without the greeting, until the call is resumed or answered.
 *
 * It observes routing's transitions and never blocks them: starting and stopping the participant
 * is asynchronous, failures are logged and the call goes on (the caller then hears silence).
 */
import type { FastifyBaseLogger } from 'fastify';
import type { MediaBackend } from '../media/media-backend.ts';
import { MediaLibrary } from '../media-script/media-library.ts';
import { findFfmpeg } from '../media-script/ffmpeg-binary.ts';
import { RtcPublisher } from '../media-script/rtc-publisher.ts';
import { mintWaitingAudioToken, waitingAudioIdentity } from '../media-script/script-token.ts';
import { WaitingAudio } from '../media-script/waiting-audio.ts';
import type { CallRouter } from '../routing/index.ts';

/** A group's waiting audio, as the phone number's route carries it. */
export interface WaitingAudioChoice {
  greeting: string | null;
  music: string;
}

export interface PhoneWaitingDependencies {
  backend: Pick<MediaBackend, 'serverUrl' | 'apiKey' | 'apiSecret'>;
  router: Pick<CallRouter, 'observeTransitions'>;
  mediaDir: string;
  ffmpegPath?: string;
  log: FastifyBaseLogger;
}

interface WaitingCall {
  room: string;
  choice: WaitingAudioChoice;
  player?: WaitingAudio;
}

export class PhoneWaiting {
  private readonly calls = new Map<string, WaitingCall>();
  private readonly library: MediaLibrary;
  private readonly stopping = new Set<Promise<void>>();
  private stopObserving?: () => void;
  private closed = false;

  constructor(private readonly deps: PhoneWaitingDependencies) {
    this.library = new MediaLibrary(deps.mediaDir);
  }

  start(): void {
    this.stopObserving = this.deps.router.observeTransitions((transitions) => {
      for (const transition of transitions) {
        switch (transition.type) {
          case 'answered':
          case 'phoneAnswered':
          case 'resumed':
            this.silence(transition.callId);
            break;
          case 'held':
            this.play(transition.callId, false);
            break;
          case 'callEnded':
            this.silence(transition.callId);
            this.calls.delete(transition.callId);
            break;
        }
      }
    });
  }

  /**
   * A phone call was just placed to a group with waiting audio (before anyone can answer it):
   * the greeting and the music start now, in the phone's room.
   */
  callWaiting(callId: string, room: string, choice: WaitingAudioChoice): void {
    if (this.closed) return;
    this.calls.set(callId, { room, choice });
    this.play(callId, true);
  }

  /** Calls whose waiting audio is playing now (for tests). */
  get playing(): number {
    return [...this.calls.values()].filter((call) => call.player).length;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopObserving?.();
    for (const callId of this.calls.keys()) this.silence(callId);
    this.calls.clear();
    await Promise.allSettled([...this.stopping]);
  }

  private play(callId: string, withGreeting: boolean): void {
    const call = this.calls.get(callId);
    if (!call || call.player || this.closed) return;
    const identity = waitingAudioIdentity(callId);
    const log = this.deps.log.child({ callId, identity });
    log.info({ withGreeting, ...call.choice }, 'playing waiting audio to the phone');
    call.player = new WaitingAudio({
      greeting: withGreeting ? call.choice.greeting : null,
      music: call.choice.music,
      join: () => this.join(call.room, identity, log),
      ffmpegPath: findFfmpeg(this.deps.ffmpegPath).path,
      library: this.library,
      log,
    });
  }

  private silence(callId: string): void {
    const call = this.calls.get(callId);
    const player = call?.player;
    if (!call || !player) return;
    call.player = undefined;
    const stopped = player.stop();
    this.stopping.add(stopped);
    void stopped.finally(() => this.stopping.delete(stopped));
  }

  private async join(
    room: string,
    identity: string,
    log: FastifyBaseLogger,
  ): Promise<RtcPublisher> {
    const { backend } = this.deps;
    const token = await mintWaitingAudioToken(backend.apiKey, backend.apiSecret, {
      room,
      identity,
      name: 'Waiting audio',
    });
    return RtcPublisher.join({ url: backend.serverUrl, token, log });
  }
}

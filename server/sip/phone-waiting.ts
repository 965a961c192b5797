/**
 * Greeting and music for phone callers (a ring group's `queueGreeting` / `queueMusic`). A phone
 * call to such a group gets a waiting-audio participant (`waiting:<callId>`) in its room at once:
 * its audio makes LiveKit SIP answer the phone, the greeting plays once, then the music loops.
 * The step in which an agent answers stops it (the agent's media joins a room the music is
 * leaving), and so does the call's end. When an agent holds the call (or a blind transfer holds
 * it), the same music plays again, without the greeting, until the call is resumed or answered.
 *
 * The audio is the group's the caller is being handed to: a blind transfer to another ring group
 * switches to that group's greeting and music (read when the transfer starts ringing it; a group
 * without music holds the caller in silence, as its own holds do). Every phone call that came in
 * is known here (`phoneCallPlaced`), also one whose first group had no waiting audio, so that a
 * transfer to a group that has some plays it.
 *
 * On hold the agent hears nothing (`AgentHearing`): the tabs in the room lose their permission
 * to receive before the music starts, and get it back once the music has stopped (resume, an
 * answer). The call's own agent hears the caller again; anyone who joins while the call is held
 * (a reload) gets a fresh token and so hears it until the next hold.
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
import type { CallRouter, LiveCall } from '../routing/index.ts';
import { AgentHearing } from './agent-hearing.ts';
import type { GroupWaitingAudio } from './group-waiting-audio.ts';

/** A group's waiting audio, as the phone number's route carries it. */
export interface WaitingAudioChoice {
  greeting: string | null;
  music: string;
}

export interface PhoneWaitingDependencies {
  backend: Pick<MediaBackend, 'serverUrl' | 'apiKey' | 'apiSecret' | 'rooms'>;
  router: Pick<CallRouter, 'observeTransitions'>;
  /** A transfer's destination group's audio. */
  groups: Pick<GroupWaitingAudio, 'of'>;
  mediaDir: string;
  ffmpegPath?: string;
  log: FastifyBaseLogger;
}

interface WaitingCall {
  tenantId: string;
  room: string;
  /** The audio of the group the caller is with; null: none (ringback before an answer, silence on hold). */
  choice: WaitingAudioChoice | null;
  player?: WaitingAudio;
  /** Held by its agent or by a transfer: music plays unless a group switch is being read. */
  onHold: boolean;
  /** Counts group switches, so only the latest read of a group's audio is applied. */
  switches: number;
  /** The agents' hearing changes, one after the other; the music joins only after a deafening. */
  hearing: Promise<void>;
  /** Whether the agents were deafened (a hold) and not given their hearing back yet. */
  deafened: boolean;
}

export class PhoneWaiting {
  private readonly calls = new Map<string, WaitingCall>();
  private readonly library: MediaLibrary;
  private readonly agentHearing: AgentHearing;
  private readonly stopping = new Set<Promise<void>>();
  private stopObserving?: () => void;
  private closed = false;

  constructor(private readonly deps: PhoneWaitingDependencies) {
    this.library = new MediaLibrary(deps.mediaDir);
    this.agentHearing = new AgentHearing(deps.backend.rooms);
  }

  start(): void {
    this.stopObserving = this.deps.router.observeTransitions((transitions, state) => {
      for (const transition of transitions) {
        if (!('callId' in transition)) continue;
        const call = this.calls.get(transition.callId);
        if (!call) continue;
        switch (transition.type) {
          case 'answered':
          case 'phoneAnswered':
          case 'resumed':
            call.onHold = false;
            this.hearAgain(call, this.silence(transition.callId));
            break;
          case 'held':
            call.onHold = true;
            this.deafen(call);
            // A blind transfer holds the caller, then redirects the call in the same step: the
            // music waits for the destination group's choice (`switchGroup`).
            if (!transferredToGroup(state.call(transition.callId)))
              this.play(transition.callId, false);
            break;
          case 'redirected':
            if (
              transition.redirect.kind === 'transfer' &&
              transition.redirect.target.kind === 'group'
            )
              this.switchGroup(transition.callId, transition.redirect.target.groupId);
            break;
          case 'callEnded':
            void this.silence(transition.callId);
            this.calls.delete(transition.callId);
            break;
        }
      }
    });
  }

  /**
   * A phone call was just placed (before anyone can answer it). With waiting audio (`choice`,
   * the group of the dialled number) the greeting and the music start now, in the phone's room.
   */
  phoneCallPlaced(
    call: { id: string; tenantId: string },
    room: string,
    choice: WaitingAudioChoice | null,
  ): void {
    if (this.closed) return;
    this.calls.set(call.id, {
      tenantId: call.tenantId,
      room,
      choice,
      onHold: false,
      switches: 0,
      hearing: Promise.resolve(),
      deafened: false,
    });
    if (choice) this.play(call.id, true);
  }

  /** Calls whose waiting audio is playing now (for tests). */
  get playing(): number {
    return [...this.calls.values()].filter((call) => call.player).length;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopObserving?.();
    for (const callId of this.calls.keys()) void this.silence(callId);
    this.calls.clear();
    await Promise.allSettled([...this.stopping]);
  }

  /** The caller is handed to another group: from now on its audio is that group's. */
  private switchGroup(callId: string, groupId: string): void {
    const call = this.calls.get(callId)!;
    const switched = ++call.switches;
    const log = this.deps.log.child({ callId, groupId });
    void this.deps.groups.of(call.tenantId, groupId).then(
      (choice) => {
        if (this.calls.get(callId) !== call || call.switches !== switched) return;
        log.info({ choice }, 'a transfer handed the phone to another group: its waiting audio now');
        call.choice = choice;
        if (!call.onHold) return;
        // The new group's greeting too: the caller is starting to wait for it.
        void this.silence(callId);
        this.play(callId, true);
      },
      (error: unknown) => {
        // The caller keeps the audio it had rather than silence.
        log.error({ err: error }, "could not read the transfer's group waiting audio");
        if (call.onHold && this.calls.get(callId) === call) this.play(callId, false);
      },
    );
  }

  private play(callId: string, withGreeting: boolean): void {
    const call = this.calls.get(callId);
    if (!call?.choice || call.player || this.closed) return;
    const identity = waitingAudioIdentity(callId);
    const log = this.deps.log.child({ callId, identity });
    const { choice } = call;
    log.info({ withGreeting, ...choice }, 'playing waiting audio to the phone');
    call.player = new WaitingAudio({
      greeting: withGreeting ? choice.greeting : null,
      music: choice.music,
      // After any deafening: the agents must not hear the music's first notes.
      join: () => call.hearing.then(() => this.join(call.room, identity, log)),
      ffmpegPath: findFfmpeg(this.deps.ffmpegPath).path,
      library: this.library,
      log,
    });
  }

  /** Stops the music; resolves once it has left the room (at once when none plays). */
  private silence(callId: string): Promise<void> {
    const call = this.calls.get(callId);
    const player = call?.player;
    if (!call || !player) return Promise.resolve();
    call.player = undefined;
    const stopped = player.stop();
    this.stopping.add(stopped);
    void stopped.finally(() => this.stopping.delete(stopped));
    return stopped;
  }

  /** On hold: the agents in the room stop hearing it. */
  private deafen(call: WaitingCall): void {
    call.deafened = true;
    this.changeHearing(call, Promise.resolve(), false);
  }

  /** Off hold: once the music is gone (`silenced`), the agents hear the caller again. */
  private hearAgain(call: WaitingCall, silenced: Promise<void>): void {
    if (!call.deafened) return;
    call.deafened = false;
    this.changeHearing(call, silenced, true);
  }

  private changeHearing(call: WaitingCall, after: Promise<void>, hearing: boolean): void {
    const change = call.hearing
      .then(() => after)
      .then(() => this.agentHearing.set(call.room, hearing))
      .catch((error: unknown) =>
        // The call goes on: the agent hears the room (music included) or stays without it.
        this.deps.log.warn(
          { err: error, room: call.room, hearing },
          "could not change the agents' hearing",
        ),
      );
    call.hearing = change;
    this.stopping.add(change);
    void change.finally(() => this.stopping.delete(change));
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

/** Whether the call (after the step) is being transferred to a ring group. */
function transferredToGroup(call: Readonly<LiveCall> | undefined): boolean {
  return call?.redirect?.kind === 'transfer' && call.redirect.target.kind === 'group';
}

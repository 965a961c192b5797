/**
 * Server-side calls with a media script. `POST /api/calls` checks the script (`prepare`) before
 * the call exists and registers it once it does; when an agent answers, a script participant
 * (`script:<callId>`) joins the call's room and runs it; when it ends, the call is hung up through
 * the router (end reason `hangup`, as when the caller hangs up) or, if the media failed, ended
 * `failed`. When the call ends first, the script stops at once and the participant leaves.
 * A call placed while its ring group is closed with a script treatment (`call.closedScript`)
 * runs its script at once instead, with nobody ringing, and then ends `closed`.
 *
 * Like CallMedia, this observes routing through `CallEvents` and never blocks it: everything
 * here is asynchronous, and failures are logged.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { EndReason } from '../../protocol/session-protocol.ts';
import type { MediaBackend } from '../media/media-backend.ts';
import { callRoomName } from '../media/livekit-tokens.ts';
import type { CallEvents, LiveCall } from '../routing/index.ts';
import { findFfmpeg } from './ffmpeg-binary.ts';
import { RtcPublisher } from './rtc-publisher.ts';
import { MediaLibrary } from './media-library.ts';
import { VIDEO_HEIGHT, VIDEO_WIDTH } from './media-source-ffmpeg.ts';
import { ScriptRunner, type ScriptOutcome } from './script-runner.ts';
import {
  needsEncoder,
  parseScript,
  planFiles,
  type MediaScript,
  type PlanStep,
} from './script-schema.ts';
import { mintScriptToken, scriptIdentity } from './script-token.ts';

/** What scripts need from routing: to end the call they belong to. */
export interface ScriptCallControl {
  hangupCall(tenantId: string, callId: string): unknown;
  endCall(tenantId: string, callId: string, reason: EndReason): void;
}

export interface ScriptedCallsOptions {
  /** Where the media files scripts play live (SCRIPT_MEDIA_DIR). */
  mediaDir: string;
  /** FFMPEG_PATH; unset uses the binary of @ffmpeg-installer/ffmpeg. */
  ffmpegPath?: string;
}

/** Media scripts cannot run on this server (no encoder): the API answers 503. */
export class MediaScriptsUnavailable extends Error {
  constructor(problem: string) {
    super(`media scripts are unavailable on this server: ${problem}`);
    this.name = 'MediaScriptsUnavailable';
  }
}

/** The same room settings as CallMedia's: whichever asks first creates the room (CreateRoom is idempotent). */
const ROOM_EMPTY_TIMEOUT_SECONDS = 60;
const ROOM_DEPARTURE_TIMEOUT_SECONDS = 10;

interface Registered {
  tenantId: string;
  plan: PlanStep[];
  runner?: ScriptRunner;
  /** A closed group's treatment: played to the caller, then the call ends `closed`. */
  closedTreatment?: boolean;
}

export class ScriptedCalls implements CallEvents {
  private control?: ScriptCallControl;
  private readonly calls = new Map<string, Registered>();
  private readonly library: MediaLibrary;
  private closing = false;

  constructor(
    private readonly backend: Pick<MediaBackend, 'serverUrl' | 'apiKey' | 'apiSecret' | 'rooms'>,
    private readonly log: FastifyBaseLogger,
    private readonly options: ScriptedCallsOptions,
  ) {
    this.library = new MediaLibrary(options.mediaDir);
  }

  attach(control: ScriptCallControl): void {
    this.control = control;
  }

  /**
   * Checks a script before its call is created: a 400 AppError for a bad script or a missing
   * file, MediaScriptsUnavailable when it needs the encoder and there is none.
   */
  prepare(script: MediaScript): PlanStep[] {
    const plan = parseScript(script);
    for (const name of planFiles(plan)) this.library.resolve(name);
    if (needsEncoder(plan)) {
      const ffmpeg = findFfmpeg(this.options.ffmpegPath);
      if ('problem' in ffmpeg) throw new MediaScriptsUnavailable(ffmpeg.problem);
    }
    return plan;
  }

  /** Attaches a prepared plan to a call that was just created (and cannot be answered yet). */
  register(tenantId: string, callId: string, plan: PlanStep[]): void {
    this.calls.set(callId, { tenantId, plan });
  }

  /** Scripts running now (for tests and stats). */
  get running(): number {
    return [...this.calls.values()].filter((call) => call.runner).length;
  }

  // ------------------------------------------------------------------ routing events

  /**
   * A call placed while its group was closed with a script treatment: the script plays to the
   * caller in the call's room at once (nobody rings), then the call ends `closed`.
   */
  callPlaced(call: LiveCall): void {
    if (!call.closedScript || this.closing || this.calls.has(call.id)) return;
    const log = this.log.child({ callId: call.id, identity: scriptIdentity(call.id) });
    let plan: PlanStep[];
    try {
      plan = this.prepare(call.closedScript);
    } catch (error) {
      // Checked when the group was saved; a file removed since, or no encoder here.
      log.warn({ err: error }, 'the closed treatment script cannot play; ending the call closed');
      this.control?.endCall(call.tenantId, call.id, 'closed');
      return;
    }
    this.calls.set(call.id, { tenantId: call.tenantId, plan, closedTreatment: true });
    this.run(call, 'the group is closed; playing its closed treatment script');
  }

  callAnswered(call: LiveCall): void {
    this.run(call, 'an agent answered a scripted call; running its script');
  }

  private run(call: LiveCall, why: string): void {
    const registered = this.calls.get(call.id);
    if (!registered || registered.runner || this.closing) return;
    const room = callRoomName(call.tenantId, call.id);
    const identity = scriptIdentity(call.id);
    const log = this.log.child({ callId: call.id, identity });
    log.info({ steps: registered.plan.length }, why);
    registered.runner = new ScriptRunner({
      plan: registered.plan,
      join: () => this.join(room, identity, call.from.name, log),
      ffmpegPath: findFfmpeg(this.options.ffmpegPath).path,
      library: this.library,
      ended: (outcome) =>
        registered.closedTreatment
          ? this.closedTreatmentEnded(call.tenantId, call.id, outcome, log)
          : this.scriptEnded(call.tenantId, call.id, outcome, log),
      log,
    });
    void registered.runner.done.then((outcome) => {
      log.info({ outcome: outcome.kind }, 'the script participant has left');
      if (this.calls.get(call.id) === registered) this.calls.delete(call.id);
    });
  }

  callEnded(call: LiveCall): void {
    const registered = this.calls.get(call.id);
    if (!registered) return;
    this.calls.delete(call.id);
    void registered.runner?.stop();
  }

  /** Stops every script and waits until their encoders and participants are gone. */
  async close(): Promise<void> {
    this.closing = true;
    const runners = [...this.calls.values()].flatMap((call) => (call.runner ? [call.runner] : []));
    this.calls.clear();
    await Promise.allSettled(runners.map((runner) => runner.stop()));
  }

  // ------------------------------------------------------------------ internals

  private async join(
    room: string,
    identity: string,
    name: string,
    log: FastifyBaseLogger,
  ): Promise<RtcPublisher> {
    const { backend } = this;
    await backend.rooms.createRoom({
      name: room,
      emptyTimeout: ROOM_EMPTY_TIMEOUT_SECONDS,
      departureTimeout: ROOM_DEPARTURE_TIMEOUT_SECONDS,
    });
    const token = await mintScriptToken(backend.apiKey, backend.apiSecret, {
      room,
      identity,
      name,
    });
    return RtcPublisher.join({
      url: backend.serverUrl,
      token,
      video: { width: VIDEO_WIDTH, height: VIDEO_HEIGHT },
      log,
    });
  }

  /** Played (or failed to): the caller has been told; the call ends `closed` either way. */
  private closedTreatmentEnded(
    tenantId: string,
    callId: string,
    outcome: ScriptOutcome,
    log: FastifyBaseLogger,
  ): void {
    if (outcome.kind === 'failed')
      log.error({ reason: outcome.reason }, 'the closed treatment script failed');
    else log.info({}, 'the closed treatment script ended; ending the call closed');
    try {
      this.control?.endCall(tenantId, callId, 'closed');
    } catch (error) {
      log.debug({ err: error }, 'the call had already ended');
    }
  }

  private scriptEnded(
    tenantId: string,
    callId: string,
    outcome: ScriptOutcome,
    log: FastifyBaseLogger,
  ): void {
    if (outcome.kind === 'failed') {
      log.error({ reason: outcome.reason }, 'the media script failed; ending the call as failed');
      this.control?.endCall(tenantId, callId, 'failed');
      return;
    }
    log.info({}, 'the media script ended; hanging up');
    try {
      this.control?.hangupCall(tenantId, callId);
    } catch (error) {
      // The call ended meanwhile (callEnded will stop this runner anyway).
      log.debug({ err: error }, 'the scripted call had already ended');
    }
  }
}

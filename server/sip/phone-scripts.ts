/**
 * Numbers routed to a script (an announcement line): the phone's caller hears the number's media
 * script and is hung up when it ends. No call is placed in routing (nobody rings, nobody answers,
 * nothing is queued); a script participant joins the phone's room, its audio answers the phone,
 * it runs the steps (audio only: phones take no video) and, when the script ends, the room is
 * closed, which sends the phone its BYE. The caller hanging up first stops the script at once.
 *
 * The script was checked when the number was saved (the same rules and media directory as
 * `POST /api/calls` scripts); a file that vanished since makes the script fail, which hangs up.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { RoomServiceClient } from 'livekit-server-sdk';
import type { MediaBackend } from '../media/media-backend.ts';
import { findFfmpeg } from '../media-script/ffmpeg-binary.ts';
import { MediaLibrary } from '../media-script/media-library.ts';
import { RtcPublisher } from '../media-script/rtc-publisher.ts';
import { ScriptRunner } from '../media-script/script-runner.ts';
import { parseScript, type MediaScript } from '../media-script/script-schema.ts';
import { mintWaitingAudioToken } from '../media-script/script-token.ts';

export interface PhoneScriptsDependencies {
  backend: Pick<MediaBackend, 'serverUrl' | 'apiKey' | 'apiSecret'>;
  rooms: Pick<RoomServiceClient, 'deleteRoom'>;
  mediaDir: string;
  ffmpegPath?: string;
  log: FastifyBaseLogger;
}

export class PhoneScripts {
  private readonly runners = new Map<string, ScriptRunner>();
  private readonly library: MediaLibrary;
  private closed = false;

  constructor(private readonly deps: PhoneScriptsDependencies) {
    this.library = new MediaLibrary(deps.mediaDir);
  }

  /** Plays `script` to the phone in `room`, then hangs it up. */
  play(room: string, script: MediaScript, details: { tenantId: string; number: string }): void {
    if (this.closed || this.runners.has(room)) return;
    const log = this.deps.log.child({ room, tenantId: details.tenantId });
    let plan;
    try {
      plan = parseScript(script);
    } catch (error) {
      log.error({ err: error }, "a number's stored script is invalid; hanging up");
      void this.hangUp(room, log);
      return;
    }
    log.info(
      { number: details.number, steps: plan.length },
      "playing a number's script to a phone",
    );
    const runner = new ScriptRunner({
      plan,
      join: () => this.join(room),
      ffmpegPath: findFfmpeg(this.deps.ffmpegPath).path,
      library: this.library,
      ended: (outcome) => {
        if (outcome.kind === 'failed') log.warn({ reason: outcome.reason }, 'the script failed');
        void this.hangUp(room, log);
      },
      log,
    });
    this.runners.set(room, runner);
    void runner.done.then(() => {
      if (this.runners.get(room) === runner) this.runners.delete(room);
    });
  }

  /** The phone left (hung up): its script stops. */
  phoneLeft(room: string): void {
    const runner = this.runners.get(room);
    if (!runner) return;
    this.runners.delete(room);
    void runner.stop();
  }

  /** Scripts playing to phones now (for tests). */
  get playing(): number {
    return this.runners.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    const runners = [...this.runners.values()];
    this.runners.clear();
    await Promise.allSettled(runners.map((runner) => runner.stop()));
  }

  private async join(room: string): Promise<RtcPublisher> {
    const { backend } = this.deps;
    // A microphone only: a phone takes no video (the runner's video frames go nowhere).
    const token = await mintWaitingAudioToken(backend.apiKey, backend.apiSecret, {
      room,
      identity: `script:${room}`,
      name: 'Announcement',
    });
    return RtcPublisher.join({ url: backend.serverUrl, token, log: this.deps.log });
  }

  private async hangUp(room: string, log: FastifyBaseLogger): Promise<void> {
    try {
      await this.deps.rooms.deleteRoom(room);
    } catch (error) {
      log.warn({ err: error }, "could not close the script's phone room");
    }
  }
}

/**
 * Numbers routed to a script (an announcement line): the phone's caller hears the number's media
 * script and is hung up when it ends. No call is placed in routing (nobody rings, nobody answers,
 * nothing is queued); a script participant joins the phone's room, its audio answers the phone,
 * it runs the steps (audio only: phones take no video) and, when the script ends, the room is
 * closed, which sends the phone its BYE. The caller hanging up first stops the script at once.
 *
 * The script was checked when the number was saved (the same rules and media directory as
 * `POST /api/calls` scripts); a file that vanished since makes the script fail, which hangs up.
 *
 * Such a call is still a call the tenant received, so it is in the call records
 * (`announcement-record.ts`): from the phone, to the number, answered when the script's audio
 * answers the phone (by no agent), ended `hangup` (the script's or the caller's),
 * `caller_cancelled` (gone before the answer) or `failed` (the script could not play). This
 * module owns that row, as routing owns the rows of the calls it places.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { RoomServiceClient } from 'livekit-server-sdk';
import type { Party } from '../../protocol/session-protocol.ts';
import type { CallRecords } from '../calls/call-records.ts';
import type { MediaBackend } from '../media/media-backend.ts';
import { findFfmpeg } from '../media-script/ffmpeg-binary.ts';
import { MediaLibrary } from '../media-script/media-library.ts';
import { RtcPublisher } from '../media-script/rtc-publisher.ts';
import { ScriptRunner } from '../media-script/script-runner.ts';
import { parseScript, type MediaScript } from '../media-script/script-schema.ts';
import { mintWaitingAudioToken } from '../media-script/script-token.ts';
import { AnnouncementRecord } from './announcement-record.ts';

export interface PhoneScriptsDependencies {
  backend: Pick<MediaBackend, 'serverUrl' | 'apiKey' | 'apiSecret'>;
  rooms: Pick<RoomServiceClient, 'deleteRoom'>;
  records: Pick<CallRecords, 'recordUnrouted'>;
  mediaDir: string;
  ffmpegPath?: string;
  log: FastifyBaseLogger;
}

interface Announcement {
  runner?: ScriptRunner;
  record: AnnouncementRecord;
}

export class PhoneScripts {
  private readonly announcements = new Map<string, Announcement>();
  private readonly library: MediaLibrary;
  private closed = false;

  constructor(private readonly deps: PhoneScriptsDependencies) {
    this.library = new MediaLibrary(deps.mediaDir);
  }

  /** Plays `script` to the phone in `room`, then hangs it up. */
  play(
    room: string,
    script: MediaScript,
    details: { tenantId: string; number: string; caller: Party },
  ): void {
    if (this.closed || this.announcements.has(room)) return;
    const log = this.deps.log.child({ room, tenantId: details.tenantId });
    const record = new AnnouncementRecord(details, this.deps.records);
    let plan;
    try {
      plan = parseScript(script);
    } catch (error) {
      log.error({ err: error }, "a number's stored script is invalid; hanging up");
      record.ended('failed');
      void this.hangUp(room, log);
      return;
    }
    log.info(
      { number: details.number, steps: plan.length, callId: record.callId },
      "playing a number's script to a phone",
    );
    const announcement: Announcement = { record };
    const runner = new ScriptRunner({
      plan,
      join: async () => {
        const publisher = await this.join(room);
        // The script's microphone is in the room: LiveKit SIP answers the phone now.
        record.answered();
        return publisher;
      },
      ffmpegPath: findFfmpeg(this.deps.ffmpegPath).path,
      library: this.library,
      ended: (outcome) => {
        if (outcome.kind === 'failed') log.warn({ reason: outcome.reason }, 'the script failed');
        record.ended(outcome.kind === 'failed' ? 'failed' : 'hangup');
        void this.hangUp(room, log);
      },
      log,
    });
    announcement.runner = runner;
    this.announcements.set(room, announcement);
    void runner.done.then(() => {
      if (this.announcements.get(room) === announcement) this.announcements.delete(room);
    });
  }

  /** The phone left (hung up): its script stops. */
  phoneLeft(room: string): void {
    const announcement = this.announcements.get(room);
    if (!announcement) return;
    this.announcements.delete(room);
    announcement.record.callerLeft();
    void announcement.runner?.stop();
  }

  /** Scripts playing to phones now (for tests). */
  get playing(): number {
    return this.announcements.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    const announcements = [...this.announcements.values()];
    this.announcements.clear();
    // Shutting down cuts the announcement short: recorded as failed, as a crash would be.
    for (const announcement of announcements) announcement.record.ended('failed');
    await Promise.allSettled(
      announcements.flatMap(({ runner }) => (runner ? [runner.stop()] : [])),
    );
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

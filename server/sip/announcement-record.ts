/**
 * The call record of a phone call to a number routed to a script (`PhoneScripts`). Routing never
 * holds such a call, so nothing projects its row from transitions: this keeps the row and hands
 * each complete version to the records' write-behind queue (`CallRecords.recordUnrouted`).
 *
 * The row reads like any phone call's: origin `phone`, from the caller, to the number dialled
 * (E.164, formatted in `params.calledNumber` as for routed phone calls), no ring group, no legs,
 * answered by no agent. It is outside the group reports (no ring group) and the agent reports
 * (no agent); history lists it, answered when the announcement answered the phone.
 */
import { randomUUID } from 'node:crypto';
import type { EndReason, Party } from '../../protocol/session-protocol.ts';
import type { CallRecords } from '../calls/call-records.ts';
import type { CallRow } from '../calls/call-repository.ts';
import { durations } from '../calls/call-schemas.ts';
import { formatForPeople } from '../phone-numbers/phone-number-format.ts';

export class AnnouncementRecord {
  private row: CallRow;

  constructor(
    call: { tenantId: string; number: string; caller: Party },
    private readonly records: Pick<CallRecords, 'recordUnrouted'>,
    private readonly now: () => number = Date.now,
  ) {
    this.row = {
      id: randomUUID(),
      tenantId: call.tenantId,
      fromName: call.caller.name,
      fromAddress: call.caller.address,
      fromUserId: null,
      toAddress: call.number,
      ringGroupId: null,
      origin: 'phone',
      params: { calledNumber: formatForPeople(call.number) },
      // The phone rings until the script's audio answers it.
      status: 'ringing',
      endReason: null,
      answeredByUserId: null,
      createdAt: now(),
      answeredAt: null,
      endedAt: null,
      queueWaitMs: null,
      talkMs: null,
      holdMs: null,
      missedRings: 0,
      declinedRings: 0,
    };
    records.recordUnrouted(this.row);
  }

  get callId(): string {
    return this.row.id;
  }

  /** The script's audio answered the phone. */
  answered(): void {
    if (this.row.answeredAt !== null || this.row.endedAt !== null) return;
    this.update({ status: 'connected', answeredAt: this.now() });
  }

  /** The caller hung up: before the answer that is a caller who gave up. */
  callerLeft(): void {
    this.ended(this.row.answeredAt === null ? 'caller_cancelled' : 'hangup');
  }

  /** The call is over (the first end counts: a later one changes nothing). */
  ended(reason: EndReason): void {
    if (this.row.endedAt !== null) return;
    this.update({ status: 'ended', endReason: reason, endedAt: this.now() });
  }

  private update(change: Partial<CallRow>): void {
    const row = { ...this.row, ...change };
    this.row = {
      ...row,
      ...durations(row),
      // Nobody holds an announcement: no hold time once answered, none at all before.
      holdMs: row.answeredAt === null ? null : 0,
    };
    this.records.recordUnrouted(this.row);
  }
}

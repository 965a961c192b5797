import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CallRow } from '../calls/call-repository.ts';
import { AnnouncementRecord } from './announcement-record.ts';

function recorder(start = 1_000) {
  const rows: CallRow[] = [];
  let now = start;
  return {
    rows,
    sink: { recordUnrouted: (row: CallRow) => void rows.push(row) },
    clock: () => now,
    advance: (ms: number) => void (now += ms),
  };
}

const call = {
  tenantId: 't1',
  number: '+14155550150',
  caller: { name: 'Ada Lovelace', address: '+14155550123' },
};

describe("a number's announcement in the call records", () => {
  test('is written when the phone calls, answered by the script, ended by its hang-up', () => {
    const { rows, sink, clock, advance } = recorder();
    const record = new AnnouncementRecord(call, sink, clock);
    assert.equal(rows.length, 1);
    assert.deepEqual(
      { ...rows[0], id: undefined },
      {
        id: undefined,
        tenantId: 't1',
        fromName: 'Ada Lovelace',
        fromAddress: '+14155550123',
        fromUserId: null,
        toAddress: '+14155550150',
        ringGroupId: null,
        origin: 'phone',
        params: { calledNumber: '+1 415 555 0150' },
        status: 'ringing',
        endReason: null,
        answeredByUserId: null,
        createdAt: 1_000,
        answeredAt: null,
        endedAt: null,
        queueWaitMs: null,
        talkMs: null,
        holdMs: null,
        missedRings: 0,
        declinedRings: 0,
      },
    );
    advance(300);
    record.answered();
    advance(2_500);
    record.ended('hangup');
    // The caller's BYE arriving after the script hung up changes nothing.
    record.callerLeft();
    assert.equal(rows.length, 3);
    assert.ok(rows.every((row) => row.id === record.callId));
    assert.equal(rows[1].status, 'connected');
    assert.equal(rows[1].answeredAt, 1_300);
    assert.equal(rows[1].queueWaitMs, 300);
    assert.equal(rows[1].holdMs, 0);
    const last = rows[2];
    assert.equal(last.status, 'ended');
    assert.equal(last.endReason, 'hangup');
    assert.equal(last.endedAt, 3_800);
    assert.equal(last.talkMs, 2_500);
  });

  test('a caller who hangs up before the script answers gave up; after it, hung up', () => {
    const early = recorder();
    new AnnouncementRecord(call, early.sink, early.clock).callerLeft();
    assert.equal(early.rows.at(-1)!.endReason, 'caller_cancelled');
    assert.equal(early.rows.at(-1)!.answeredAt, null);
    assert.equal(early.rows.at(-1)!.holdMs, null);

    const late = recorder();
    const record = new AnnouncementRecord(call, late.sink, late.clock);
    record.answered();
    late.advance(1_000);
    record.callerLeft();
    assert.equal(late.rows.at(-1)!.endReason, 'hangup');
    assert.equal(late.rows.at(-1)!.talkMs, 1_000);
  });

  test('a script that failed is recorded failed, and an answer after the end is ignored', () => {
    const { rows, sink, clock } = recorder();
    const record = new AnnouncementRecord(call, sink, clock);
    record.ended('failed');
    record.answered();
    assert.equal(rows.length, 2);
    assert.equal(rows[1].endReason, 'failed');
    assert.equal(rows[1].answeredAt, null);
  });
});

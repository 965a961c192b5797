import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rtcNodeLog } from './rtc-publisher.ts';

test("rtc-node's own logger prints warnings only, not its debug lines", () => {
  assert.ok(rtcNodeLog, "rtc-node's logger is found");
  assert.equal(rtcNodeLog.level, 'warn');
});

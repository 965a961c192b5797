/**
 * A ring group closed with a script treatment, on the embedded media server with ffmpeg: a call
 * to it rings nobody, the script participant joins the call's room and plays the script to the
 * caller, and then the call ends with reason `closed`; nothing is left running.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RoomServiceClient } from 'livekit-server-sdk';
import { startTestServer, type TestServer } from '../test/harness.ts';
import {
  closeAll,
  getCall,
  onlineAgent,
  placeCall,
  waitForCallState,
} from '../session/testing/scenario.ts';
import { callRoomName } from '../media/livekit-tokens.ts';
import { releaseRtcNode } from '../media/testing/rtc-participant.ts';
import { waitFor } from '../media-server/test-support/browser-harness.ts';
import { findFfmpeg } from './ffmpeg-binary.ts';
import { ffmpegChildren } from './testing/processes.ts';

let server: TestServer;
before(async () => {
  assert.ok(findFfmpeg().path, 'ffmpeg is installed');
  server = await startTestServer({ ringTimeoutSeconds: 20, endedCallLingerMs: 1_000 });
});
after(async () => {
  await server?.close();
  await releaseRtcNode();
});

test('a call to a group closed with a script hears the script, rings nobody, and then ends closed', async () => {
  const ada = await onlineAgent(server, 'ada@closed-script.test', 'Ada');
  await server.tenant.createRingGroup('after-hours', [ada.user.id], {
    // No opening hours at all: always closed.
    businessHours: {
      hours: [],
      holidays: [],
      closed: { action: 'script', script: [{ play: 'test-pattern', seconds: 5 }] },
    },
  });
  const placedAt = Date.now();
  const call = await placeCall(server, '/group/after-hours', { from: 'Night Owl' });

  const { serverUrl, apiKey, apiSecret } = server.app.services.media.backend;
  const rooms = new RoomServiceClient(serverUrl, apiKey, apiSecret);
  const room = callRoomName(server.tenant.id, call.id);
  await waitFor('the script participant in the call room', async () =>
    (await rooms.listParticipants(room).catch(() => [])).some(
      (participant) => participant.identity === `script:${call.id}`,
    ),
  );
  await waitFor('the script encoded while it plays', () => ffmpegChildren().length === 1);
  const playing = await getCall(server, call.id);
  assert.notEqual(playing.status, 'ended', 'the call lasts while the script plays');
  assert.deepEqual(playing.legs, [], 'nobody rings');

  const ended = await waitForCallState(
    server,
    call.id,
    (detail) => detail.status === 'ended',
    'to end once the script played',
    20_000,
  );
  assert.equal(ended.endReason, 'closed');
  assert.ok(Date.now() - placedAt >= 5_000, 'it ended after the 5 s script, not at once');
  assert.equal(ada.tab.call(call.id), undefined, 'Ada never saw it');
  await waitFor('no script running', () => server.app.services.scripts.running === 0, 5_000);
  await waitFor('no ffmpeg left', () => ffmpegChildren().length === 0, 5_000);
  await closeAll([ada.tab]);
});

/**
 * Joining a room whose tracks are already published — the answering agent after the caller
 * pre-joined, the destination of a transfer, an agent rung again — and then following the
 * room's changes. Chromium once refused every re-offer after such a join ("The m= section with
 * mid='2' should be rejected"): the first offer must look like LiveKit's, data channels first.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MediaServer } from './index.ts';
import { BrowserHarness, waitFor, type LivekitPage } from './test-support/browser-harness.ts';
import { joinToken, startTestServer } from './test-support/fixtures.ts';

describe('a participant joining a room with tracks already published', { timeout: 120_000 }, () => {
  const ROOM = 'call-late-join';
  let server: MediaServer;
  let browser: BrowserHarness;
  let carol: LivekitPage;
  let dave: LivekitPage;

  before(async () => {
    [server, browser] = await Promise.all([startTestServer(), BrowserHarness.start()]);
    [carol, dave] = await Promise.all([browser.openPage(), browser.openPage()]);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('decodes what was there, follows an unpublish, and its page logs no negotiation error', async () => {
    assert.deepEqual(
      await carol.call('connect', server.url, await joinToken(ROOM, 'carol'), true),
      {},
    );
    // `connect` resolves once Carol published: her tracks exist before Dave's first offer.
    assert.deepEqual(
      await dave.call('connect', server.url, await joinToken(ROOM, 'dave'), true),
      {},
    );
    const first = await waitFor("carol's video decoding at dave", async () => {
      const stats = await dave.call('inbound', 'carol', 'video');
      return stats.videoWidth > 0 && stats.framesDecoded > 0 ? stats : undefined;
    });
    await waitFor("carol's video still decoding", async () => {
      const stats = await dave.call('inbound', 'carol', 'video');
      return stats.framesDecoded > first.framesDecoded + 5;
    });

    await carol.call('unpublishCamera');
    await waitFor('dave to see carol unpublish', async () => {
      const state = await dave.call('state');
      return state.events.includes('trackUnpublished:carol:camera');
    });
    const audio = await dave.call('inbound', 'carol', 'audio');
    await waitFor("carol's audio still flowing after the re-offer", async () => {
      const stats = await dave.call('inbound', 'carol', 'audio');
      return stats.bytesReceived > audio.bytesReceived + 1_000;
    });

    // Carol leaves: her remaining track goes too, in another re-offer.
    await carol.call('disconnect');
    await waitFor('dave to see carol leave', async () => {
      const state = await dave.call('state');
      return state.events.includes('participantDisconnected:carol') && !state.remotes.carol;
    });
    // A re-offer Chromium refused would be logged a moment after the leave.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.deepEqual(
      dave.errors.filter((error) => /negotiat|m= section|remote offer/i.test(error)),
      [],
    );
  });
});

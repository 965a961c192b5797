import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { SubscriptionPermission, TrackPermission } from '@livekit/protocol';
import { TrackSource } from 'livekit-server-sdk';
import type { MediaServer } from './index.ts';
import { BrowserHarness, waitFor, type LivekitPage } from './test-support/browser-harness.ts';
import { joinToken, startTestServer } from './test-support/fixtures.ts';
import { SubscriptionPermissions } from './subscription-permissions.ts';

describe('SubscriptionPermissions', () => {
  const agent = { identity: 'agent', sid: 'PA_agent' };
  const caller = { identity: 'caller', sid: 'PA_caller' };

  test('everyone may subscribe until told otherwise, and again after allParticipants', () => {
    const permissions = new SubscriptionPermissions();
    assert.equal(permissions.allows(caller, 'TR_1'), true);
    permissions.update(new SubscriptionPermission({ allParticipants: false }));
    assert.equal(permissions.allows(caller, 'TR_1'), false);
    permissions.update(new SubscriptionPermission({ allParticipants: true }));
    assert.equal(permissions.allows(caller, 'TR_1'), true);
  });

  test('listed participants, by identity or sid, to all tracks or the listed ones', () => {
    const permissions = new SubscriptionPermissions();
    permissions.update(
      new SubscriptionPermission({
        allParticipants: false,
        trackPermissions: [
          new TrackPermission({ participantIdentity: 'agent', allTracks: true }),
          new TrackPermission({ participantSid: 'PA_caller', trackSids: ['TR_2'] }),
        ],
      }),
    );
    assert.equal(permissions.allows(agent, 'TR_1'), true);
    assert.equal(permissions.allows(agent, 'TR_2'), true);
    assert.equal(permissions.allows(caller, 'TR_1'), false);
    assert.equal(permissions.allows(caller, 'TR_2'), true);
    // An empty identity in an entry never matches a participant's (non-empty) identity.
    assert.equal(permissions.allows({ identity: 'other', sid: 'PA_other' }, 'TR_2'), false);
  });
});

/**
 * LiveKit's track subscription permissions with the real livekit-client in headless Chromium:
 * a supervisor whispers (only the agent may subscribe to its microphone), then barges (everyone
 * may). The caller's client sees the publication but never receives its media while whispering.
 */
describe('subscription permissions (whisper and barge)', { timeout: 120_000 }, () => {
  const ROOM = 'call-whisper';
  let server: MediaServer;
  let browser: BrowserHarness;
  let agent: LivekitPage;
  let caller: LivekitPage;
  let supervisor: LivekitPage;

  before(async () => {
    [server, browser] = await Promise.all([startTestServer(), BrowserHarness.start()]);
    [agent, caller, supervisor] = await Promise.all([
      browser.openPage(),
      browser.openPage(),
      browser.openPage(),
    ]);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function audioBytesFrom(page: LivekitPage, identity: string): Promise<number> {
    return (await page.call('inbound', identity, 'audio')).bytesReceived;
  }

  async function receivesAudioFrom(page: LivekitPage, identity: string): Promise<void> {
    const first = await waitFor(`${identity}'s audio arriving`, async () => {
      const bytes = await audioBytesFrom(page, identity);
      return bytes > 0 ? bytes : undefined;
    });
    await waitFor(
      `${identity}'s audio bytes rising`,
      async () => (await audioBytesFrom(page, identity)) > first + 1_000,
    );
  }

  async function supervisorMicrophone(page: LivekitPage) {
    const state = await page.call('state');
    return state.remotes.supervisor?.find((track) => track.source === 'microphone');
  }

  test('a whisper reaches only the agent; a barge then reaches everyone', async () => {
    await Promise.all([
      agent.call('connect', server.url, await joinToken(ROOM, 'agent'), true),
      caller.call('connect', server.url, await joinToken(ROOM, 'caller'), true),
    ]);
    const token = await joinToken(ROOM, 'supervisor', {
      canPublish: true,
      canPublishData: false,
      canPublishSources: [TrackSource.MICROPHONE],
    });
    assert.deepEqual(await supervisor.call('connect', server.url, token, false), {});
    // Restrict first, then publish: no packet of the whisper may ever reach the caller.
    await supervisor.call('setSubscriptionPermissions', false, ['agent']);
    assert.equal(await supervisor.call('tryPublishMicrophone'), '');

    await Promise.all([
      receivesAudioFrom(agent, 'supervisor'),
      receivesAudioFrom(supervisor, 'agent'),
      receivesAudioFrom(supervisor, 'caller'),
    ]);
    await waitFor('the caller to see the whisper publication refused', async () =>
      (await caller.call('state')).events.includes(
        'trackPermission:supervisor:microphone:not_allowed',
      ),
    );
    // Give any leaked media time to arrive before asserting there was none.
    await delay(1_500);
    const refused = await supervisorMicrophone(caller);
    assert.ok(refused, 'the caller sees the publication');
    assert.equal(refused.subscribed, false);
    assert.equal(await audioBytesFrom(caller, 'supervisor'), 0);
    assert.ok(
      !(await caller.call('state')).events.includes('trackSubscribed:supervisor:microphone'),
    );

    await supervisor.call('setSubscriptionPermissions', true, []);
    await receivesAudioFrom(caller, 'supervisor');
    await receivesAudioFrom(agent, 'supervisor');
    assert.equal((await supervisorMicrophone(caller))?.subscribed, true);

    // And back to a whisper: the caller's subscription is taken away again.
    await supervisor.call('setSubscriptionPermissions', false, ['agent']);
    await waitFor(
      'the caller to lose the supervisor track',
      async () => (await supervisorMicrophone(caller))?.subscribed === false,
    );
    await receivesAudioFrom(agent, 'supervisor');
  });
});

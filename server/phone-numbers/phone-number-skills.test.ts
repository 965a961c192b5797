/**
 * A phone number's route may require skills: stored with a group or user destination, shown,
 * refused with a script or when malformed; an incoming phone call to the number (PhoneCalls,
 * with the real router and repository; only LiveKit's room and media sides are stand-ins) rings
 * only the agents holding them.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ParticipantInfo_Kind } from '@livekit/protocol';
import type { WebhookEvent } from 'livekit-server-sdk';
import { requestJson, startTestServer, type TestServer, type TestUser } from '../test/harness.ts';
import { closeAll, getCall, onlineAgent, type Agent } from '../session/testing/scenario.ts';
import { PhoneCalls } from '../sip/phone-calls.ts';
import { DIALLED_NUMBER_ATTRIBUTE } from '../sip/phone-caller.ts';
import { PHONE_ROOM_PREFIX } from '../sip/sip-provisioning.ts';
import { PhoneNumberRepository } from './phone-number-repository.ts';

describe('phone number skills', () => {
  let server: TestServer;
  let admin: TestUser;
  let bob: Agent;
  let cy: Agent;
  let groupId: string;
  const numbers = (method: string, path: string, body?: unknown) =>
    requestJson(server.url, method, `/api/phone-numbers${path}`, { token: admin.token, body });

  before(async () => {
    server = await startTestServer({ ringTimeoutSeconds: 20 });
    admin = await server.createUser('admin@pskills.test', { role: 'admin' });
    bob = await onlineAgent(server, 'bob@pskills.test', 'Bob');
    cy = await onlineAgent(server, 'cy@pskills.test', 'Cy');
    groupId = (await server.tenant.createRingGroup('spanish-line', [bob.user.id, cy.user.id])).id;
    for (const [agent, level] of [
      [bob, 3],
      [cy, 8],
    ] as const)
      await requestJson(server.url, 'PUT', `/api/users/${agent.user.id}/skills`, {
        token: server.apiKey,
        body: { skills: { spanish: level } },
      });
  });
  after(async () => {
    await closeAll([bob.tab, cy.tab]);
    await server.close();
  });

  test('a number routed to a group carries skills; a change of destination replaces them', async () => {
    const created = await numbers('POST', '', {
      number: '+1 415 555 0170',
      destination: { type: 'group', ringGroupId: groupId, skills: { spanish: 5 } },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.destination.skills, { spanish: 5 });
    const route = await new PhoneNumberRepository(server.database).route('+14155550170');
    assert.deepEqual(route && route.kind === 'address' && route.skills, { spanish: 5 });

    const cleared = await numbers('PATCH', `/${created.body.id}`, {
      destination: { type: 'group', ringGroupId: groupId },
    });
    assert.equal(cleared.body.destination.skills, undefined);
    const restored = await numbers('PATCH', `/${created.body.id}`, {
      destination: { type: 'user', userId: cy.user.id, skills: { spanish: 5 } },
    });
    assert.deepEqual(restored.body.destination.skills, { spanish: 5 });
    await numbers('PATCH', `/${created.body.id}`, {
      destination: { type: 'group', ringGroupId: groupId, skills: { spanish: 5 } },
    });
  });

  test('skills with a script, or malformed, are refused and change nothing', async () => {
    const before = (await numbers('GET', '')).body;
    const refused = async (destination: unknown, message: RegExp) => {
      const response = await numbers('POST', '', { number: '+14155550171', destination });
      assert.equal(response.status, 400, JSON.stringify(response.body));
      assert.match(response.body.message, message);
    };
    await refused(
      { type: 'script', script: [{ pause: 1 }], skills: { spanish: 5 } },
      /takes no "skills"/,
    );
    await refused({ type: 'group', ringGroupId: groupId, skills: { spanish: 0 } }, />= 1/);
    await refused({ type: 'group', ringGroupId: groupId, skills: { Spanish: 5 } }, /skills/);
    assert.deepEqual((await numbers('GET', '')).body, before);
  });

  test("an incoming call to the number rings only the group's agents holding the skills", async () => {
    const deleted: string[] = [];
    const phones = new PhoneCalls({
      router: server.app.services.router,
      numbers: new PhoneNumberRepository(server.database),
      media: { adoptCallerRoom: () => {} },
      rooms: { deleteRoom: async (room: string) => void deleted.push(room) },
      // The number routes to a group without waiting audio, and not to a script.
      waiting: { phoneCallPlaced: () => {} },
      scripts: {
        play: () => assert.fail('a number routed to a group plays no script'),
        phoneLeft: () => {},
      },
      log: server.app.log,
    });
    phones.handleWebhook({
      event: 'participant_joined',
      room: { name: `${PHONE_ROOM_PREFIX}_skills-test` },
      participant: {
        identity: 'sip_+15550100',
        name: 'Phone',
        kind: ParticipantInfo_Kind.SIP,
        attributes: { [DIALLED_NUMBER_ATTRIBUTE]: '+14155550170' },
      },
    } as unknown as WebhookEvent);
    const ringing = await cy.tab.waitForRinging();
    assert.equal(ringing.params?.calledNumber, '+1 415 555 0170', 'the call to the number');
    const detail = await getCall(server, ringing.id);
    assert.deepEqual(
      detail.legs.map((leg) => leg.userId),
      [cy.user.id],
      'Bob holds Spanish below the level',
    );
    assert.deepEqual(deleted, [], 'the call was taken, not refused');
    server.app.services.router.endCall(server.tenant.id, ringing.id, 'caller_cancelled');
    await phones.close();
  });
});

/**
 * A transfer that requires skills, over real sockets: `call.transfer { skills }` to a group
 * rings only its members holding them at or above the level; a bad skills field, or a skill
 * nobody in the tenant holds, is refused and changes nothing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { requestJson, startTestServer, type TestServer } from '../test/harness.ts';
import { closeAll, getCall, onlineAgent } from '../session/testing/scenario.ts';
import { connectedCall, expectError, expectOk } from './testing/transfer-scenario.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer({ ringTimeoutSeconds: 5, endedCallLingerMs: 500 });
});
after(() => server.close());

test('a blind transfer with skills rings only the group members holding them; bad skills are refused', async () => {
  const carol = await onlineAgent(server, 'carol@tskills.test', 'Carol', { online: false });
  const ada = await onlineAgent(server, 'ada@tskills.test', 'Ada');
  const bob = await onlineAgent(server, 'bob@tskills.test', 'Bob');
  const cy = await onlineAgent(server, 'cy@tskills.test', 'Cy');
  await server.tenant.createRingGroup('tskills', [bob.user.id, cy.user.id]);
  for (const [agent, level] of [
    [bob, 2],
    [cy, 6],
  ] as const) {
    const set = await requestJson(server.url, 'PUT', `/api/users/${agent.user.id}/skills`, {
      token: server.apiKey,
      body: { skills: { spanish: level } },
    });
    assert.equal(set.status, 200);
  }
  const callId = await connectedCall(carol, ada);

  for (const skills of [{ spanish: 0 }, { Spanish: 5 }, { spanish: 'high' }, []])
    await expectError(
      ada.tab,
      { type: 'call.transfer', callId, to: '/group/tskills', mode: 'blind', skills },
      'bad-message',
      /skills/,
    );
  // A skill nobody in the tenant holds could ring nobody: refused in so many words.
  await expectError(
    ada.tab,
    {
      type: 'call.transfer',
      callId,
      to: '/group/tskills',
      mode: 'blind',
      skills: { spanish: 5, klingon: 3 },
    },
    'bad-message',
    /unknown skill "klingon": nobody here holds it/,
  );
  await expectError(
    ada.tab,
    { type: 'call.transfer', callId, to: '/group/tskills', mode: 'warm', skills: { klingon: 3 } },
    'bad-message',
    /unknown skill "klingon"/,
  );
  assert.equal((await getCall(server, callId)).status, 'connected', 'refusals change nothing');
  assert.equal(bob.tab.call(callId), undefined);
  assert.equal(cy.tab.call(callId), undefined);

  await expectOk(ada.tab, {
    type: 'call.transfer',
    callId,
    to: '/group/tskills',
    mode: 'blind',
    skills: { spanish: 5 },
  });
  await cy.tab.waitForCall(callId, 'ringing');
  const detail = await getCall(server, callId);
  const rung = detail.legs.filter((leg) => leg.userId !== ada.user.id).map((leg) => leg.userId);
  assert.deepEqual(rung, [cy.user.id], 'Bob holds Spanish below the level');
  assert.equal(bob.tab.call(callId), undefined);
  await closeAll([carol.tab, ada.tab, bob.tab, cy.tab]);
});

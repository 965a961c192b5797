/**
 * An agent dialing a phone number on a server that cannot call phones is told what is missing
 * and how to get it, and nothing is created; addresses of people and groups dial as before.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AgentClient } from '../session/testing/agent-client.ts';
import { requestJson, startTestServer, type TestServer } from '../test/harness.ts';
import { isPhoneNumberLike } from './phone-dialing.ts';
import { dialOutcome, sipStatusOf } from './phone-dialer.ts';

describe('dialing a phone number', () => {
  test('what counts as a phone number', () => {
    for (const to of ['+14155550100', '+1 (415) 555-0100', '0044 20 7946 0000', '911', '555.0100'])
      assert.equal(isPhoneNumberLike(to), true, to);
    for (const to of ['/private/ada', '/group/support', '12', '+', 'ada', '+1 415 CALL NOW'])
      assert.equal(isPhoneNumberLike(to), false, to);
  });

  describe('without LiveKit SIP (plain npm start)', () => {
    let server: TestServer;
    before(async () => (server = await startTestServer()));
    after(() => server.close());

    test('the Call box is told that phones need LiveKit SIP and how to get it; no call exists', async () => {
      const ada = await server.createAgent('ada@dial.test', 'Ada');
      const tab = await AgentClient.connect(server.sessionUrl(ada.token));
      await tab.online();
      const reply = await tab.request({ type: 'call.dial', to: '+1 415 555 0100' });
      assert.equal(reply.type, 'error');
      assert.match(
        (reply as { message: string }).message,
        /calling phone numbers needs LiveKit SIP.*npm run start:livekit.*LIVEKIT_SIP_URI/,
      );
      const calls = await requestJson(server.url, 'GET', '/api/calls', { token: server.apiKey });
      assert.deepEqual(calls.body.calls, []);
      await tab.close();
    });
  });

  describe('with LiveKit SIP but no carrier', () => {
    let server: TestServer;
    before(
      async () =>
        (server = await startTestServer({
          sip: {
            uri: 'sip:127.0.0.1:5060',
            inboundAllowedAddresses: ['127.0.0.1/32'],
            outboundTransport: 'udp',
          },
        })),
    );
    after(() => server.close());

    test('the Call box is told to configure SIP_OUTBOUND_ADDRESS', async () => {
      const ada = await server.createAgent('ada@carrier.test', 'Ada');
      const tab = await AgentClient.connect(server.sessionUrl(ada.token));
      await tab.online();
      const reply = await tab.request({ type: 'call.dial', to: '+14155550100' });
      assert.equal(reply.type, 'error');
      assert.match(
        (reply as { message: string }).message,
        /needs a SIP carrier.*SIP_OUTBOUND_ADDRESS/,
      );
      await tab.close();
    });
  });

  describe('with LiveKit SIP and a carrier', () => {
    let server: TestServer;
    before(
      async () =>
        (server = await startTestServer({
          sip: {
            uri: 'sip:127.0.0.1:5060',
            inboundAllowedAddresses: ['127.0.0.1/32'],
            outboundAddress: '127.0.0.1:5999',
            outboundTransport: 'udp',
          },
        })),
    );
    after(() => server.close());

    const listCalls = async () =>
      (await requestJson(server.url, 'GET', '/api/calls', { token: server.apiKey })).body.calls;

    test('a tenant without a number of its own is told to add one; no call exists', async () => {
      const ada = await server.createAgent('ada@nocallerid.test', 'Ada');
      const tab = await AgentClient.connect(server.sessionUrl(ada.token));
      await tab.online();
      const reply = await tab.request({ type: 'call.dial', to: '+14155550199' });
      assert.equal(reply.type, 'error');
      assert.match(
        (reply as { message: string }).message,
        /phone number of your own.*phone-numbers/,
      );
      assert.deepEqual(await listCalls(), []);
      await tab.close();
    });

    test('a number that is not a valid international number is refused; no call exists', async () => {
      const bob = await server.createAgent('bob@malformed.test', 'Bob');
      const desk = await server.tenant.createRingGroup('desk', [bob.user.id]);
      const added = await requestJson(server.url, 'POST', '/api/phone-numbers', {
        token: server.apiKey,
        body: { number: '+14155550100', destination: { type: 'group', ringGroupId: desk.id } },
      });
      assert.equal(added.status, 201);
      const tab = await AgentClient.connect(server.sessionUrl(bob.token));
      await tab.online();
      for (const to of ['+1 555', '0044 20 7946 0000']) {
        const reply = await tab.request({ type: 'call.dial', to });
        assert.equal(reply.type, 'error', to);
        assert.match(
          (reply as { message: string }).message,
          /not a valid international phone number/,
        );
      }
      assert.deepEqual(await listCalls(), []);
      await tab.close();
    });
  });

  test("how a dial that did not connect ends, from LiveKit SIP's error", () => {
    const sipError = (message: string) => Object.assign(new Error(message), { code: 'unknown' });
    assert.equal(sipStatusOf(sipError('SIP call failed: 486 Refused (resource_exhausted)')), 486);
    assert.equal(
      dialOutcome(sipError('SIP call failed: 486 Refused (resource_exhausted)')),
      'rejected',
    );
    assert.equal(dialOutcome(sipError('SIP call failed: 603 Decline')), 'rejected');
    assert.equal(
      dialOutcome(sipError('SIP call failed: 480 Temporarily Unavailable')),
      'no_answer',
    );
    assert.equal(
      dialOutcome(Object.assign(new Error('timed out'), { code: 'deadline_exceeded' })),
      'no_answer',
    );
    assert.equal(dialOutcome(sipError('SIP call failed: 503 Service Unavailable')), 'failed');
    assert.equal(dialOutcome(new Error('connection refused')), 'failed');
  });
});

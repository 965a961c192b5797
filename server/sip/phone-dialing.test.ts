/**
 * An agent dialing a phone number on a server that cannot call phones is told what is missing
 * and how to get it, and nothing is created; addresses of people and groups dial as before.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AgentClient } from '../session/testing/agent-client.ts';
import { requestJson, startTestServer, type TestServer } from '../test/harness.ts';
import { isPhoneNumberLike } from './phone-dialing.ts';

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
});

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { requestJson, startTestServer, type TestServer, type TestUser } from '../test/harness.ts';
import { AgentClient } from '../session/testing/agent-client.ts';

describe('GET /api/directory', () => {
  let server: TestServer;
  let ada: TestUser;
  let grace: TestUser;
  let sam: TestUser;
  let stranger: TestUser;
  const clients: AgentClient[] = [];
  const read = (token?: string) => requestJson(server.url, 'GET', '/api/directory', { token });

  before(async () => {
    server = await startTestServer();
    ada = await server.createAgent('ada@t.test', 'Ada Lovelace');
    grace = await server.createAgent('grace@t.test', 'Grace Hopper');
    sam = await server.createUser('sam@t.test', { name: 'Sam Supervisor', role: 'supervisor' });
    await server.tenant.createRingGroup('support', [ada.user.id, grace.user.id]);
    await server.tenant.createRingGroup('billing', [grace.user.id]);
    stranger = await server.otherTenant.createAgent('eve@other.test', 'Eve Elsewhere');
    await server.otherTenant.createRingGroup('secret', [stranger.user.id]);
  });
  after(async () => {
    for (const client of clients) client.socket.close();
    await server.close();
  });

  async function comeOnline(user: TestUser): Promise<AgentClient> {
    const client = await AgentClient.connect(server.sessionUrl(user.token));
    clients.push(client);
    await client.online();
    return client;
  }

  test('an agent reads the tenant people with their live presence, and its ring groups', async () => {
    const adaTab = await comeOnline(ada);
    await comeOnline(grace);
    await adaTab.request({ type: 'presence.set', presence: 'away' });

    const response = await read(grace.token);

    assert.equal(response.status, 200);
    assert.deepEqual(response.body, {
      agents: [
        {
          id: ada.user.id,
          name: 'Ada Lovelace',
          username: ada.user.username,
          address: ada.address,
          presence: 'away',
        },
        {
          id: grace.user.id,
          name: 'Grace Hopper',
          username: grace.user.username,
          address: grace.address,
          presence: 'available',
        },
        {
          id: sam.user.id,
          name: 'Sam Supervisor',
          username: sam.user.username,
          address: sam.address,
          presence: 'offline',
        },
      ],
      groups: [
        {
          id: response.body.groups[0].id,
          name: 'billing',
          address: '/group/billing',
          available: 1,
          online: 1,
          waiting: 0,
        },
        {
          id: response.body.groups[1].id,
          name: 'support',
          address: '/group/support',
          available: 1,
          online: 2,
          waiting: 0,
        },
      ],
      skills: [],
    });
  });

  test("a group's figures say whether it can take a call now: who is available, who is online, who waits", async () => {
    const ops = await server.tenant.createRingGroup('ops', [sam.user.id]);
    const empty = (await read(ada.token)).body.groups.find(
      (group: { name: string }) => group.name === 'ops',
    );
    assert.deepEqual(
      { available: empty.available, online: empty.online, waiting: empty.waiting },
      { available: 0, online: 0, waiting: 0 },
    );
    const placed = await requestJson(server.url, 'POST', '/api/calls', {
      token: server.apiKey,
      body: { from: 'Customer', to: '/group/ops' },
    });
    assert.equal(placed.status, 201);
    const samTab = await comeOnline(sam);
    await samTab.waitForCall(placed.body.id, 'ringing');
    const ringing = (await read(ada.token)).body.groups.find(
      (group: { id: string }) => group.id === ops.id,
    );
    assert.deepEqual(
      { available: ringing.available, online: ringing.online, waiting: ringing.waiting },
      { available: 1, online: 1, waiting: 1 },
    );
  });

  test("shows only the caller's tenant", async () => {
    const response = await read(stranger.token);

    assert.equal(response.status, 200);
    assert.deepEqual(
      response.body.agents.map((agent: { name: string }) => agent.name),
      ['Eve Elsewhere'],
    );
    assert.deepEqual(
      response.body.groups.map((group: { name: string }) => group.name),
      ['secret'],
    );
  });

  test("lists the skills the tenant's people hold, each with the highest level held; no other tenant's", async () => {
    const setSkills = async (user: TestUser, apiKey: string, skills: Record<string, number>) => {
      const response = await requestJson(server.url, 'PUT', `/api/users/${user.user.id}/skills`, {
        token: apiKey,
        body: { skills },
      });
      assert.equal(response.status, 200);
    };
    await setSkills(ada, server.apiKey, { spanish: 3, billing: 2 });
    await setSkills(grace, server.apiKey, { spanish: 7 });
    await setSkills(stranger, server.otherTenant.apiKey, { klingon: 9 });

    assert.deepEqual((await read(ada.token)).body.skills, [
      { name: 'billing', highestLevel: 2 },
      { name: 'spanish', highestLevel: 7 },
    ]);
    assert.deepEqual((await read(stranger.token)).body.skills, [
      { name: 'klingon', highestLevel: 9 },
    ]);
    for (const user of [ada, grace]) await setSkills(user, server.apiKey, {});
    assert.deepEqual((await read(ada.token)).body.skills, []);
  });

  test('refuses a request without a token, with a bad token, and with an API key', async () => {
    for (const token of [undefined, 'not-a-token', server.apiKey]) {
      const response = await read(token);
      assert.equal(response.status, 401, `token ${token}`);
      assert.equal(response.body.error, 'unauthorized');
    }
  });
});

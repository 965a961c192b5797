/**
 * What an admin takes away is taken away on every node at once. A revoked API key: each node
 * remembers known keys for a few seconds (the hot path of placing calls), so a node that had
 * just used the key, and then became the tenant's owner, used to accept it until its memory
 * lapsed. A deactivated person: their tabs on nodes other than the one that ran the
 * deactivation used to stay open (their commands go to the owner, which never re-reads people).
 * Both are now announced to every node over Redis (server/cluster/cluster-broadcast.ts). A
 * deactivated supervisor's or admin's open feeds close too, on every node: the supervisor feed
 * used to stay open on every node (its owner's snapshot and changes kept coming).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AdminPageSocket, adminChangesUrl } from '../admin/testing/admin-page-socket.ts';
import { AgentClient } from '../session/testing/agent-client.ts';
import { FeedClient, feedUrl } from '../supervisor/testing/feed-client.ts';
import { requestJson } from '../test/harness.ts';
import { startCluster, type TestCluster } from './testing/cluster-harness.ts';

let cluster: TestCluster | null;
before(async () => (cluster = await startCluster({ nodes: 3 })));
after(async () => cluster?.close());

describe('revocation across nodes', () => {
  test('a revoked API key is refused by a node that used it a moment before and then took the tenant over', async (t) => {
    if (!cluster) return t.skip('Redis or PostgreSQL not reachable');
    const { tenant, nodes } = cluster;
    const [n1, n2, n3] = nodes as [(typeof nodes)[0], (typeof nodes)[0], (typeof nodes)[0]];
    const ada = await tenant.createAgent('ada@revoke.test', 'Ada');
    const adaTab = await AgentClient.connect(n1.sessionUrl(ada.token));
    await adaTab.online();
    t.after(() => adaTab.close());
    assert.equal((await cluster.ownerOf(tenant.id))?.name, 'n1');

    const created = await requestJson(n1.url, 'POST', '/api/api-keys', {
      token: tenant.apiKey,
      body: { label: 'integration' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const key = created.body.key as string;
    // n2 and n3 check the key themselves (as gateways) before sending the request on: they now
    // remember it.
    for (const node of [n2, n3]) {
      const used = await requestJson(node.url, 'GET', '/api/api-keys', { token: key });
      assert.equal(used.status, 200, `${node.name}: ${JSON.stringify(used.body)}`);
    }

    const revoked = await requestJson(n1.url, 'DELETE', `/api/api-keys/${created.body.id}`, {
      token: tenant.apiKey,
    });
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    // The owner leaves (a rolling restart): another node takes the tenant at once and answers
    // for it itself, from its own memory of keys.
    await n1.stop();
    const owner = await waitForOwner(cluster, tenant.id, (node) => node.name !== 'n1');
    const refused = await requestJson(owner.url, 'GET', '/api/api-keys', { token: key });
    assert.equal(
      refused.status,
      401,
      `the new owner ${owner.name}: ${JSON.stringify(refused.body)}`,
    );
    const other = owner === n2 ? n3 : n2;
    const alsoRefused = await requestJson(other.url, 'GET', '/api/api-keys', { token: key });
    assert.equal(alsoRefused.status, 401, `${other.name}: ${JSON.stringify(alsoRefused.body)}`);
    // The tenant's own key still works.
    const kept = await requestJson(owner.url, 'GET', '/api/api-keys', { token: tenant.apiKey });
    assert.equal(kept.status, 200);
  });

  test("a deactivated person's tabs close with 4401 on every node, not only on the one that deactivated them", async (t) => {
    if (!cluster) return t.skip('Redis or PostgreSQL not reachable');
    const tenant = await cluster.createTenant(`revoke-people-${Date.now()}`);
    const running = cluster.nodes.filter((node) => node.running);
    assert.ok(running.length >= 2, 'two nodes running');
    const [first, second] = running as [(typeof running)[0], (typeof running)[0]];
    const [ada, bob] = await Promise.all(
      ['ada', 'bob'].map((name) => tenant.createAgent(`${name}@people.test`, name)),
    );
    // ada's tab makes `first` the owner; bob has a tab on each node.
    const adaTab = await AgentClient.connect(first.sessionUrl(ada.token));
    await adaTab.online();
    const bobTabs = await Promise.all(
      [first, second].map((node) => AgentClient.connect(node.sessionUrl(bob.token))),
    );
    await Promise.all(bobTabs.map((tab) => tab.online()));
    t.after(() => Promise.all([adaTab, ...bobTabs].map((tab) => tab.close())));
    assert.equal((await cluster.ownerOf(tenant.id))?.name, first.name);

    const deactivated = await requestJson(
      first.url,
      'POST',
      `/api/people/${bob.user.id}/deactivate`,
      { token: tenant.apiKey },
    );
    assert.equal(deactivated.status, 200, JSON.stringify(deactivated.body));
    for (const [index, tab] of bobTabs.entries()) {
      const closed = await tab.waitForClose(3_000);
      assert.equal(closed.code, 4401, `bob's tab on ${[first, second][index].name}`);
    }
    assert.equal(adaTab.closed, null, "ada's tab stays open");
    // And bob's token is refused by every node.
    for (const node of running) {
      const refused = await requestJson(node.url, 'GET', '/api/directory', { token: bob.token });
      assert.equal(refused.status, 401, node.name);
    }
  });

  test("a deactivated supervisor's and admin's feeds close with 4401 on every node, on the owner and relayed", async (t) => {
    if (!cluster) return t.skip('Redis or PostgreSQL not reachable');
    const tenant = await cluster.createTenant(`revoke-feeds-${Date.now()}`);
    const running = cluster.nodes.filter((node) => node.running);
    assert.ok(running.length >= 2, 'two nodes running');
    const [first, second] = running as [(typeof running)[0], (typeof running)[0]];
    const ada = await tenant.createAgent('ada@feeds.test', 'Ada');
    const sue = await tenant.createUser('sue@feeds.test', 'Sue', 'supervisor');
    const al = await tenant.createUser('al@feeds.test', 'Al', 'admin');
    const stays = await tenant.createUser('stays@feeds.test', 'Stays', 'supervisor');
    // The tenant's last admin cannot be deactivated: al is not the last.
    await tenant.createUser('boss@feeds.test', 'Boss', 'admin');
    // ada's tab makes `first` the owner: sue's feed there is served by its routing, her feed on
    // `second` is relayed from it.
    const adaTab = await AgentClient.connect(first.sessionUrl(ada.token));
    await adaTab.online();
    t.after(() => adaTab.close());
    assert.equal((await cluster.ownerOf(tenant.id))?.name, first.name);

    const nodesOf = [first, second];
    const sueFeeds = await Promise.all(
      nodesOf.map((node) => FeedClient.connect(feedUrl(node.url, sue.token))),
    );
    const staysFeed = await FeedClient.connect(feedUrl(second.url, stays.token));
    const alPages = await Promise.all(
      nodesOf.map((node) => AdminPageSocket.open(adminChangesUrl(node.url, al.token))),
    );
    t.after(async () => {
      await Promise.all([...sueFeeds, staysFeed].map((feed) => feed.close()));
      alPages.forEach((page) => page.close());
    });
    for (const feed of [...sueFeeds, staysFeed])
      assert.equal(feed.closed, null, `feed open: ${JSON.stringify(feed.closed)}`);
    for (const page of alPages) assert.equal(page.closed, null, 'admin page open');

    for (const person of [sue, al]) {
      const deactivated = await requestJson(
        second.url,
        'POST',
        `/api/people/${person.user.id}/deactivate`,
        { token: tenant.apiKey },
      );
      assert.equal(deactivated.status, 200, JSON.stringify(deactivated.body));
    }
    for (const [index, feed] of sueFeeds.entries()) {
      const closed = await feed.waitUntil(
        () => feed.closed,
        `sue's feed on ${nodesOf[index].name} closed`,
        3_000,
      );
      assert.deepEqual(closed, { code: 4401, reason: 'account deactivated' }, nodesOf[index].name);
    }
    for (const [index, page] of alPages.entries()) {
      const closed = await page.waitUntil(
        () => page.closed,
        `al's admin page on ${nodesOf[index].name} closed`,
        3_000,
      );
      // An admin page also re-checks its admin on every change to people (sue's deactivation
      // just before is one): a re-check that reads al's row after al's deactivation was written,
      // but before the relayed event reached this node, closes the page first, as gone.
      assert.equal(closed.code, 4401, nodesOf[index].name);
      assert.match(
        closed.reason,
        /^(account deactivated|the user of this token no longer exists)$/,
        nodesOf[index].name,
      );
    }
    assert.equal(staysFeed.closed, null, "another supervisor's feed stays open");
  });
});

async function waitForOwner(
  cluster: TestCluster,
  tenantId: string,
  accept: (node: TestCluster['nodes'][number]) => boolean,
): Promise<TestCluster['nodes'][number]> {
  const deadline = Date.now() + 8_000;
  for (;;) {
    const owner = await cluster.ownerOf(tenantId);
    if (owner && accept(owner)) return owner;
    if (Date.now() > deadline) throw new Error(`no new owner (now ${owner?.name})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

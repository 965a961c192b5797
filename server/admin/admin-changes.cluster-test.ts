/**
 * Admin pages on any node hear of every admin change, whichever node made it. A change runs on
 * the tenant's owner (other nodes forward the request there), so a page whose socket reached
 * another node used to hear only of people (relayed as AccountEvents) and never of ring groups,
 * phone numbers or API keys. Changes are now relayed to every node over Redis
 * (server/cluster/admin-changes-relay.ts).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { AgentClient } from '../session/testing/agent-client.ts';
import { requestJson } from '../test/harness.ts';
import { startCluster, type TestCluster } from '../cluster/testing/cluster-harness.ts';
import { AdminPageSocket, adminChangesUrl } from './testing/admin-page-socket.ts';

/** Well under a page's own reconnect (3 beats) and the 100 ms coalescing plus a Redis hop. */
const RELAYED_WITHIN_MS = 3_000;

let cluster: TestCluster | null;
before(async () => (cluster = await startCluster({ nodes: 2 })));
after(async () => cluster?.close());

describe('admin changes across nodes', () => {
  test('a change made through either node reaches the admin pages on both nodes', async (t) => {
    if (!cluster) return t.skip('Redis or PostgreSQL not reachable');
    const { tenant, nodes } = cluster;
    const [n1, n2] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    const ada = await tenant.createAgent('ada@admin-relay.test', 'Ada');
    const admin = await tenant.createUser('admin@admin-relay.test', 'Admin', 'admin');
    const other = await cluster.createTenant(`admin-relay-other-${Date.now()}`);
    const otherAdmin = await other.createUser('admin@other-relay.test', 'Other', 'admin');
    // ada's tab makes n1 the owner: every change below runs on n1, wherever it was asked.
    const adaTab = await AgentClient.connect(n1.sessionUrl(ada.token));
    await adaTab.online();
    t.after(() => adaTab.close());
    assert.equal((await cluster.ownerOf(tenant.id))?.name, 'n1');

    const onOwner = await AdminPageSocket.open(adminChangesUrl(n1.url, admin.token));
    const elsewhere = await AdminPageSocket.open(adminChangesUrl(n2.url, admin.token));
    const otherTenant = await AdminPageSocket.open(adminChangesUrl(n2.url, otherAdmin.token));
    const pages = [onOwner, elsewhere];
    t.after(() => [...pages, otherTenant].forEach((page) => page.close()));
    for (const page of [...pages, otherTenant]) assert.equal(page.closed, null);

    const call = (via: (typeof nodes)[0], method: string, path: string, body?: unknown) =>
      requestJson(via.url, method, `/api${path}`, { token: admin.token, body });

    const group = await call(n2, 'POST', '/ring-groups', { name: 'relay', members: [] });
    assert.equal(group.status, 201, JSON.stringify(group.body));
    for (const page of pages) await page.waitFor('ring-groups', RELAYED_WITHIN_MS);

    const phoneNumber = await call(n1, 'POST', '/phone-numbers', {
      number: '+1 415 555 0199',
      destination: { type: 'group', ringGroupId: group.body.id },
    });
    assert.equal(phoneNumber.status, 201, JSON.stringify(phoneNumber.body));
    for (const page of pages) await page.waitFor('phone-numbers', RELAYED_WITHIN_MS);

    const key = await call(n2, 'POST', '/api-keys', { label: 'relay' });
    assert.equal(key.status, 201, JSON.stringify(key.body));
    for (const page of pages) await page.waitFor('api-keys', RELAYED_WITHIN_MS);

    const person = await call(n2, 'POST', '/people', {
      reference: 'new@admin-relay.test',
      name: 'New Person',
      role: 'agent',
    });
    assert.equal(person.status, 201, JSON.stringify(person.body));
    for (const page of pages) await page.waitFor('people', RELAYED_WITHIN_MS);

    // Another tenant's admin on n2 heard of none of it; each page heard each change once
    // (a change is pushed once per node, not once per node it passed through).
    await delay(500);
    assert.deepEqual(otherTenant.changes, []);
    assert.deepEqual(
      elsewhere.changes,
      onOwner.changes,
      'the page on n2 heard what the page on n1 heard',
    );
    assert.equal(
      elsewhere.changes.flat().filter((section) => section === 'ring-groups').length,
      1,
      `one ring-groups change: ${JSON.stringify(elsewhere.changes)}`,
    );
  });
});

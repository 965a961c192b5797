/**
 * The queue view on an agent's desk: each tab is pushed the live queues of its agent's ring
 * groups (calls waiting, since when, who else is available) when it connects and whenever they
 * change, whatever the agent's own presence; never another group's or another tenant's.
 * A real server, real WebSocket tabs.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { GroupQueueView, ServerMessage } from '../../protocol/session-protocol.ts';
import { requestJson, startTestServer, type TestServer } from '../test/harness.ts';
import { AgentClient } from '../session/testing/agent-client.ts';
import { closeAll, onlineAgent, placeCall } from '../session/testing/scenario.ts';

let server: TestServer;

before(async () => {
  server = await startTestServer({ ringTimeoutSeconds: 30, maxQueueWaitSeconds: 60 });
});
after(() => server.close());

type QueuesFrame = Extract<ServerMessage, { type: 'queues' }>;
const queueFrames = (tab: AgentClient) =>
  tab.frames.filter((frame): frame is QueuesFrame => frame.type === 'queues');
const lastQueues = (tab: AgentClient) => queueFrames(tab).at(-1)?.groups;

/** Waits until the tab's latest `queues` frame satisfies `predicate`. */
function waitForQueues(
  tab: AgentClient,
  predicate: (groups: GroupQueueView[]) => boolean,
  description: string,
): Promise<GroupQueueView[]> {
  return tab.waitUntil(
    () => {
      const groups = lastQueues(tab);
      return groups && predicate(groups) ? groups : undefined;
    },
    `queues: ${description} (last ${JSON.stringify(lastQueues(tab))})`,
  );
}

const names = (view: GroupQueueView | undefined) => view?.available.map((agent) => agent.name);

describe('the queue view', () => {
  test('a tab hears its groups on connect and live after that: waiting calls, the longest wait, who else is available — also while busy, away and in wrap-up', async () => {
    const ada = await onlineAgent(server, 'ada@queues.test', 'Ada', { online: false });
    const bob = await onlineAgent(server, 'bob@queues.test', 'Bob', { online: false });
    const grace = await onlineAgent(server, 'grace@queues.test', 'Grace', { online: false });
    const support = await server.tenant.createRingGroup('q-support', [ada.user.id, bob.user.id], {
      wrapUpSeconds: 60,
    });
    const sales = await server.tenant.createRingGroup('q-sales', [ada.user.id, grace.user.id]);
    server.app.services.queues.groupsChanged(server.tenant.id);

    // Connected but not online: Ada already sees both groups, nobody waiting, nobody available.
    let groups = await waitForQueues(ada.tab, (groups) => groups.length === 2, 'both groups');
    assert.deepEqual(
      groups.map((group) => group.group),
      [
        { id: sales.id, name: 'q-sales' },
        { id: support.id, name: 'q-support' },
      ],
    );
    for (const group of groups) {
      assert.equal(group.waiting, 0);
      assert.equal(group.longestWaitingSince, null);
      assert.deepEqual(group.available, []);
    }
    // Grace is in sales only: she never hears of support.
    const graceGroups = await waitForQueues(grace.tab, (groups) => groups.length === 1, 'sales');
    assert.equal(graceGroups[0].group.id, sales.id);

    // Bob comes online: Ada's support queue lists him; her sales queue does not.
    await bob.tab.online();
    groups = await waitForQueues(
      ada.tab,
      (groups) => names(groups.find((group) => group.group.id === support.id))?.[0] === 'Bob',
      'Bob available in support',
    );
    assert.deepEqual(names(groups.find((group) => group.group.id === sales.id)), []);
    assert.deepEqual(
      lastQueues(bob.tab)!.map((group) => group.available),
      [[]],
      'who else: Bob does not list himself',
    );

    // Ada comes online and takes a call: busy, she still hears the queue.
    await ada.tab.online();
    const first = await placeCall(server, '/group/q-support', { from: 'First caller' });
    await ada.tab.waitForCall(first.id, 'ringing');
    await ada.tab.request({ type: 'call.accept', callId: first.id });
    await ada.tab.waitForPresence('busy');
    await bob.tab.request({ type: 'presence.set', presence: 'away' });
    await waitForQueues(
      ada.tab,
      (groups) => groups.every((group) => group.available.length === 0),
      'Bob away',
    );

    const second = await placeCall(server, '/group/q-support', { from: 'Second caller' });
    const third = await placeCall(server, '/group/q-support', { from: 'Third caller' });
    groups = await waitForQueues(
      ada.tab,
      (groups) => groups.find((group) => group.group.id === support.id)?.waiting === 2,
      'two waiting while Ada is busy',
    );
    const supportQueue = groups.find((group) => group.group.id === support.id)!;
    assert.equal(supportQueue.longestWaitingSince, Math.min(second.createdAt, third.createdAt));
    assert.equal(groups.find((group) => group.group.id === sales.id)!.waiting, 0);
    // Bob, away, hears it too; Grace (sales only) does not.
    await waitForQueues(bob.tab, (groups) => groups[0]?.waiting === 2, 'Bob sees two waiting');
    assert.equal(lastQueues(grace.tab)![0].waiting, 0);

    // A caller gives up: the queue shrinks for everyone who watches it.
    await requestJson(server.url, 'POST', `/api/calls/${second.id}/hangup`, {
      token: server.apiKey,
    });
    groups = await waitForQueues(
      bob.tab,
      (groups) => groups[0]?.waiting === 1,
      'one waiting after a caller hung up',
    );
    assert.equal(groups[0].longestWaitingSince, third.createdAt);

    // Ada hangs up her call and writes it up: in wrap-up she still sees the queue move.
    await ada.tab.request({ type: 'call.hangup', callId: first.id });
    await ada.tab.waitForPresence('wrap-up');
    await requestJson(server.url, 'POST', `/api/calls/${third.id}/hangup`, {
      token: server.apiKey,
    });
    await waitForQueues(
      ada.tab,
      (groups) => groups.find((group) => group.group.id === support.id)?.waiting === 0,
      'nobody waiting, seen in wrap-up',
    );

    await closeAll([ada.tab, bob.tab, grace.tab]);
  });

  test('a tab is sent a frame only when its view changed, and never another tenant’s queue', async () => {
    const ann = await onlineAgent(server, 'ann@queues.test', 'Ann', { online: false });
    await server.tenant.createRingGroup('q-quiet', [ann.user.id]);
    const other = await server.otherTenant.createAgent('olga@queues.test', 'Olga');
    const otherTab = await AgentClient.connect(server.sessionUrl(other.token));
    await server.otherTenant.createRingGroup('q-quiet', [other.user.id]);
    server.app.services.queues.groupsChanged(server.tenant.id);
    server.app.services.queues.groupsChanged(server.otherTenant.id);
    await waitForQueues(ann.tab, (groups) => groups.length === 1, 'her group');
    await waitForQueues(otherTab, (groups) => groups.length === 1, 'the other tenant’s group');
    const before = queueFrames(ann.tab).length;

    // A call in the other tenant's group of the same name: only the other tenant's tab hears it.
    const call = await placeCall(server, '/group/q-quiet', { apiKey: server.otherTenant.apiKey });
    await waitForQueues(otherTab, (groups) => groups[0]?.waiting === 1, 'one waiting');
    // Something in Ann's tenant that leaves her view as it was (her own presence): no frame.
    await ann.tab.request({ type: 'presence.set', presence: 'away' });
    await new Promise((resolve) => setTimeout(resolve, 400)); // longer than the feed coalesces
    await placeCall(server, '/group/q-quiet', { from: 'Marker' });
    await waitForQueues(ann.tab, (groups) => groups[0]?.waiting === 1, 'the marker call');
    assert.equal(queueFrames(ann.tab).length, before + 1, 'exactly one frame: the marker call');
    for (const frame of queueFrames(ann.tab))
      for (const group of frame.groups) assert.notEqual(group.group.id, call.ringGroup?.id);
    await closeAll([ann.tab, otherTab]);
  });
});

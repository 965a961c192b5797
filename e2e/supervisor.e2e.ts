import { expect, test } from '@playwright/test';
import { createRingGroup } from './support/admin-api';
import { AgentConsole } from './support/agent-console';

const CALLER = 'Katherine Johnson';
const agentEmails = ['ada@demo.test', 'grace@demo.test', 'alan@demo.test'];

test.describe('the supervisor view', () => {
  let consoles: AgentConsole[] = [];
  test.afterEach(async () => {
    await Promise.all(consoles.map((c) => c.close()));
    consoles = [];
  });

  test('shows a group call ringing three agents, connected with the winner, then gone, with the figures; agents are refused', async ({
    browser,
    request,
  }) => {
    const address = await createRingGroup(request, 'e2e-supervisor', agentEmails, {
      ringTimeoutSeconds: 60,
      maxWaitSeconds: 60,
      retryIntervalSeconds: 5,
    });
    const groupName = address.replace('/group/', '');
    const supervisor = await AgentConsole.signIn(browser, 'sam@demo.test');
    const agents = await Promise.all(
      agentEmails.map((email) => AgentConsole.signIn(browser, email)),
    );
    for (const agent of agents) await agent.comeOnline();
    const [ada, grace] = agents;
    const caller = await AgentConsole.signIn(browser, 'katherine@demo.test');
    consoles = [supervisor, ...agents, caller];

    const view = supervisor.page;
    await view.goto('/supervisor');
    await expect(view.getByRole('heading', { name: 'Supervisor' })).toBeVisible();
    await expect(view.locator('.feed-state[data-state="live"]')).toBeVisible();
    const group = view.locator('app-group-card').filter({ hasText: groupName });
    const today = group.locator('tr[data-window="Today"]');
    await expect(group.locator('[data-figure=waiting]')).toHaveText('0');
    await expect(today.locator('[data-figure=answered]')).toHaveText('0');

    await caller.dial(address);
    const row = view.getByRole('row', { name: `${CALLER}, Ringing` });
    await expect(row).toBeVisible();
    await expect(row.locator('.agents')).toHaveAttribute('data-rung', '3');
    for (const name of ['Ada Lovelace', 'Grace Hopper', 'Alan Turing'])
      await expect(row.locator('.agents')).toContainText(name);
    await expect(group.locator('[data-figure=waiting]')).toHaveText('1');

    await grace!.card(CALLER).getByRole('button', { name: 'Accept' }).click();
    const connected = view.getByRole('row', { name: `${CALLER}, Connected` });
    await expect(connected).toBeVisible();
    await expect(connected.locator('.agents')).toHaveText('Grace Hopper');
    await expect(group.locator('[data-figure=waiting]')).toHaveText('0');
    await expect(today.locator('[data-figure=answered]')).toHaveText('1');
    await expect(
      view.locator('app-agent-list [role=row]', { hasText: 'Grace Hopper' }).locator('.presence'),
    ).toHaveText('On call');

    await grace!.activeCall().getByRole('button', { name: 'Hang up' }).click();
    await expect(view.locator('app-live-calls [role=row]', { hasText: CALLER })).toHaveCount(0);
    await expect(today.locator('[data-figure=answered]')).toHaveText('1');

    // The caller gives up while it rings: abandoned.
    await caller.dial(address);
    await expect(view.getByRole('row', { name: `${CALLER}, Ringing` })).toBeVisible();
    await caller.outgoingHangUp().click();
    await expect(view.locator('app-live-calls [role=row]', { hasText: CALLER })).toHaveCount(0);
    await expect(today.locator('[data-figure=abandoned]')).toHaveText('1');

    // An agent opening the supervisor URL is refused.
    await ada!.page.goto('/supervisor');
    await expect(ada!.page.getByRole('alert')).toContainText(
      'The supervisor view is for supervisors and admins',
    );
    await expect(ada!.page.locator('app-live-calls')).toHaveCount(0);

    for (const tab of consoles) expect(tab.errors).toEqual([]);
  });
});

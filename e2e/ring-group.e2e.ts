import { expect, test } from '@playwright/test';
import { createRingGroup } from './support/admin-api';
import { AgentConsole } from './support/agent-console';

const CALLER = 'Katherine Johnson';
/**
 * Cancel propagation takes milliseconds (measured by `npm run bench:server`, not here); the
 * generous wait only keeps a loaded CI machine from failing a test that is about correctness.
 */
const ANSWERED_ELSEWHERE_TIMEOUT_MS = 4_000;
const agentEmails = ['ada@demo.test', 'grace@demo.test', 'alan@demo.test'];

async function threeAgentsOnline(browser: import('@playwright/test').Browser) {
  const agents = await Promise.all(agentEmails.map((email) => AgentConsole.signIn(browser, email)));
  for (const agent of agents) await agent.comeOnline();
  return agents;
}

test.describe('a ring group call', () => {
  let consoles: AgentConsole[] = [];
  test.afterEach(async () => {
    await Promise.all(consoles.map((c) => c.close()));
    consoles = [];
  });

  test('rings every agent; the first accept wins and the others see who answered', async ({
    browser,
  }) => {
    const [ada, grace, alan] = await threeAgentsOnline(browser);
    const caller = await AgentConsole.signIn(browser, 'katherine@demo.test');
    consoles = [ada, grace, alan, caller];

    await caller.dial('/group/support');
    for (const agent of [ada, grace, alan]) {
      const card = agent.card(CALLER);
      await expect(card).toBeVisible();
      await expect(card).toContainText('/private/katherine');
      await expect(card).toContainText('support');
      await expect(card.getByRole('button', { name: 'Accept' })).toBeEnabled();
    }
    await expect(caller.outgoingStatus()).toHaveText('Ringing');

    await grace.card(CALLER).getByRole('button', { name: 'Accept' }).click();
    for (const other of [ada, alan]) {
      const card = other.card(CALLER);
      await expect(card).toContainText('Answered by Grace Hopper', {
        timeout: ANSWERED_ELSEWHERE_TIMEOUT_MS,
      });
      await expect(card.getByRole('button', { name: 'Accept' })).toBeDisabled();
      await expect(card.getByRole('button', { name: 'Decline' })).toBeDisabled();
    }
    await expect(grace.activeCall()).toContainText(CALLER);
    await expect(grace.activeCall()).toContainText('Connected');
    await expect(caller.outgoingStatus()).toHaveText('Connected');

    await grace.activeCall().getByRole('button', { name: 'Hang up' }).click();
    await expect(caller.outgoingStatus()).toHaveText('Hung up');
    await expect(caller.outgoingHangUp()).toBeDisabled();
    await expect(grace.activeCall()).toBeHidden({ timeout: 10_000 });
    // The answered-elsewhere cards leave by themselves after a few seconds.
    await expect(ada.card(CALLER)).toHaveCount(0, { timeout: 10_000 });
    await expect(alan.card(CALLER)).toHaveCount(0);
  });

  test('declined by every agent keeps ringing nobody until the caller hears it went unanswered', async ({
    browser,
    request,
  }) => {
    const address = await createRingGroup(request, 'e2e-declines', agentEmails, {
      ringTimeoutSeconds: 60,
      maxWaitSeconds: 15,
      // Longer than the maximum wait: after the declines nobody is rung again.
      retryIntervalSeconds: 60,
    });
    const agents = await threeAgentsOnline(browser);
    const caller = await AgentConsole.signIn(browser, 'katherine@demo.test');
    consoles = [...agents, caller];

    await caller.dial(address);
    const dialedAt = Date.now();
    for (const agent of agents) await expect(agent.card(CALLER)).toBeVisible();
    await Promise.all(
      agents.map((agent) => agent.card(CALLER).getByRole('button', { name: 'Decline' }).click()),
    );
    for (const agent of agents) await expect(agent.card(CALLER)).toContainText('Declined');
    for (const agent of agents) await expect(agent.ringingCards()).toHaveCount(0);
    await expect(caller.outgoingStatus()).toHaveText('Ringing');

    await expect(caller.outgoingStatus()).toHaveText('No answer', { timeout: 25_000 });
    expect(Date.now() - dialedAt).toBeGreaterThanOrEqual(14_000);
    for (const agent of agents) await expect(agent.ringingCards()).toHaveCount(0);
  });

  test('the caller hanging up while it rings dismisses every card with "Caller hung up"', async ({
    browser,
  }) => {
    const agents = await threeAgentsOnline(browser);
    const caller = await AgentConsole.signIn(browser, 'katherine@demo.test');
    consoles = [...agents, caller];

    await caller.dial('/group/support');
    for (const agent of agents) await expect(agent.card(CALLER)).toBeVisible();
    await caller.outgoingHangUp().click();

    for (const agent of agents) {
      const card = agent.card(CALLER);
      await expect(card).toContainText('Caller hung up', {
        timeout: ANSWERED_ELSEWHERE_TIMEOUT_MS,
      });
      await expect(card.getByRole('button', { name: 'Accept' })).toBeDisabled();
    }
    await expect(caller.outgoingStatus()).toHaveText('Cancelled');
    for (const agent of agents)
      await expect(agent.card(CALLER)).toHaveCount(0, { timeout: 10_000 });
  });
});

test.describe('one agent in two tabs', () => {
  test('both tabs ring; accepting in one ends the ringing in the other', async ({ browser }) => {
    const context = await browser.newContext();
    const first = await AgentConsole.signInTab(context, 'ada@demo.test');
    const second = await AgentConsole.signInTab(context, 'ada@demo.test');
    await first.comeOnline();
    await second.comeOnline();
    const caller = await AgentConsole.signIn(browser, 'grace@demo.test');
    try {
      await caller.dial('/private/ada');
      await expect(first.card('Grace Hopper')).toBeVisible();
      await expect(second.card('Grace Hopper')).toBeVisible();
      await expect(first.card('Grace Hopper')).toContainText('Direct to you');

      // Keyboard only: Alt+A accepts the oldest ringing call.
      await first.page.bringToFront();
      await first.page.keyboard.press('Alt+KeyA');
      // The other tab's card says why before it leaves; "Connected" may come later, once media
      // flows, by which time the card has gone.
      await expect(second.card('Grace Hopper')).toContainText('Answered in another tab', {
        timeout: ANSWERED_ELSEWHERE_TIMEOUT_MS,
      });
      await expect(second.ringingCards()).toHaveCount(0);
      await expect(first.activeCall()).toContainText('Connected');
      await expect(second.page.locator('app-active-call-panel')).toContainText('Not on a call');
      await expect(caller.outgoingStatus()).toHaveText('Connected');

      // Closing the other tab leaves the call alone.
      await second.page.close();
      await expect(first.activeCall()).toContainText('Connected');
      await expect(caller.outgoingStatus()).toHaveText('Connected');
      await caller.outgoingHangUp().click();
      await expect(first.activeCall()).toContainText('Caller hung up');
    } finally {
      expect(second.errors).toEqual([]);
      await first.close();
      await caller.close();
    }
  });
});

test.describe('tenancy', () => {
  test('an agent of another tenant never sees the call, nor can be dialed across tenants', async ({
    browser,
  }) => {
    const wile = await AgentConsole.signIn(browser, 'wile@acme.test', 'acme');
    const ada = await AgentConsole.signIn(browser, 'ada@demo.test');
    const caller = await AgentConsole.signIn(browser, 'katherine@demo.test');
    try {
      await wile.comeOnline();
      await ada.comeOnline();

      await caller.dial('/group/support');
      await expect(ada.card(CALLER)).toBeVisible();
      // Give a wrongly routed call every chance to show up before declaring it absent.
      await wile.page.waitForTimeout(1_500);
      await expect(wile.page.locator('app-ringing-card')).toHaveCount(0);
      await expect(wile.page.getByText('No calls ringing.')).toBeVisible();
      await caller.outgoingHangUp().click();
      await expect(ada.card(CALLER)).toContainText('Caller hung up');

      // acme's group and agent do not exist as far as demo is concerned.
      await caller.dial('/private/wile');
      await expect(caller.page.getByRole('alert')).toContainText('Call failed');
      await expect(wile.page.locator('app-ringing-card')).toHaveCount(0);
    } finally {
      await Promise.all([wile.close(), ada.close(), caller.close()]);
    }
  });
});

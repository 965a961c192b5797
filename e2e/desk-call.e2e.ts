import { expect, test } from '@playwright/test';
import { DEMO_API_KEY } from './support/admin-api';
import { AgentConsole } from './support/agent-console';

/**
 * Issue 13, a desk built around the call: the ringing card and the call show the customer
 * context (`params`) and the caller's name once; a direct call says so instead of naming a ring
 * group; the status line says what is true ("On hold"); the caller's own console says who
 * answered.
 */
test.describe('the call on the desk', () => {
  let consoles: AgentConsole[] = [];
  test.afterEach(async () => {
    await Promise.all(consoles.map((c) => c.close()));
    consoles = [];
  });

  test('an API call shows its params and the name once; a direct call says so', async ({
    browser,
    request,
  }) => {
    const ada = await AgentConsole.signIn(browser, 'ada@demo.test');
    consoles = [ada];
    await ada.comeOnline();
    const placed = await request.post('/api/calls', {
      headers: { authorization: `Bearer ${DEMO_API_KEY}` },
      data: { from: 'Mary Jackson', to: '/private/ada', params: { ticket: '4711', plan: 'Gold' } },
    });
    expect(placed.status(), await placed.text()).toBe(201);
    const { id } = (await placed.json()) as { id: string };

    const card = ada.card('Mary Jackson');
    await expect(card).toContainText('Direct to you');
    await expect(card).not.toContainText('Ring group');
    await expect(card.locator('.detail')).toHaveText(['ticket4711', 'planGold']);
    await expect(card.getByText('Mary Jackson')).toHaveCount(1);

    await card.getByRole('button', { name: 'Accept' }).click();
    const details = ada.activeCall().getByRole('definition');
    await expect(details).toHaveText(['4711', 'Gold']);
    await expect(ada.activeCall().getByText('Mary Jackson')).toHaveCount(1);
    const hungUp = await request.post(`/api/calls/${id}/hangup`, {
      headers: { authorization: `Bearer ${DEMO_API_KEY}` },
    });
    expect(hungUp.status()).toBe(200);
  });

  test('the caller sees who answered; the agent’s status line says "On hold" while held', async ({
    browser,
  }) => {
    const grace = await AgentConsole.signIn(browser, 'grace@demo.test');
    const caller = await AgentConsole.signIn(browser, 'katherine@demo.test');
    consoles = [grace, caller];
    await grace.comeOnline();
    await caller.dial('/private/grace');
    await grace.card('Katherine Johnson').getByRole('button', { name: 'Accept' }).click();
    await expect(caller.page.locator('app-dial-box .answered-by')).toHaveText(
      'Answered by Grace Hopper',
      { timeout: 30_000 },
    );
    const status = grace.activeCall().locator('.line .status');
    await expect(status).toHaveText('Connected', { timeout: 30_000 });

    await grace.activeCall().getByRole('button', { name: 'Hold' }).click();
    await expect(status).toHaveText('On hold');
    await expect(caller.outgoingStatus()).toHaveText('On hold');
    await grace.activeCall().getByRole('button', { name: 'Resume' }).click();
    await expect(status).toHaveText('Connected');
    await grace.activeCall().getByRole('button', { name: 'Hang up' }).click();
  });
});

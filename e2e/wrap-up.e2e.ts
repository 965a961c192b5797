import { expect, test, type Page } from '@playwright/test';
import { AgentConsole } from './support/agent-console';

/**
 * Issue 13, after-call work as the agent sees it: hanging up puts Ada in wrap-up (not rung:
 * Katherine's next call waits), "More time" extends it, a disposition and a note are saved on
 * the call's record with "Done", which also lets the waiting call ring. A draft survives a
 * reload of the page and is found again in the call's record once saved.
 */
const CALLER = 'Katherine Johnson';

/** The draft the panel keeps on this device (src/app/wrap-up/wrap-up-drafts.ts). */
async function storedDraftCallId(page: Page): Promise<string> {
  return page.evaluate(() => {
    for (let index = 0; index < localStorage.length; index++) {
      const key = localStorage.key(index)!;
      if (key.startsWith('switchboard.wrapUpDraft.'))
        return (JSON.parse(localStorage.getItem(key)!) as { callId: string }).callId;
    }
    throw new Error('no wrap-up draft stored');
  });
}

/** The agent's own wrap-up record, read through the API with the tab's sign-in. */
async function savedWrapUp(page: Page, callId: string) {
  return page.evaluate(async (id) => {
    const { token } = JSON.parse(sessionStorage.getItem('switchboard.session')!) as {
      token: string;
    };
    const response = await fetch(`/api/calls/${id}/wrap-up`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return (await response.json()) as {
      dispositionCode: string | null;
      note: string;
      startedAt: number | null;
    };
  }, callId);
}

async function answerAndHangUp(ada: AgentConsole, caller: AgentConsole): Promise<void> {
  await ada.card(CALLER).getByRole('button', { name: 'Accept' }).click();
  await expect(ada.activeCall()).toContainText('Connected', { timeout: 30_000 });
  await expect(caller.outgoingStatus()).toHaveText('Connected', { timeout: 30_000 });
  await ada.activeCall().getByRole('button', { name: 'Hang up' }).click();
}

test.describe('after-call work', () => {
  let consoles: AgentConsole[] = [];
  test.afterEach(async () => {
    await Promise.all(consoles.map((c) => c.close()));
    consoles = [];
  });

  test('wrap-up after a call: not rung meanwhile, more time, disposition and note saved with Done; a draft survives a reload', async ({
    browser,
  }) => {
    const ada = await AgentConsole.signIn(browser, 'ada@demo.test');
    const caller = await AgentConsole.signIn(browser, 'katherine@demo.test');
    consoles = [ada, caller];
    await ada.comeOnline();
    const page = ada.page;
    const panel = page.locator('app-wrap-up-panel');

    await caller.dial('/private/ada');
    await answerAndHangUp(ada, caller);
    await expect(panel.getByRole('heading', { name: 'Wrap-up' })).toBeVisible();
    await expect(panel).toContainText(`Call with ${CALLER}`);
    await expect(page.getByRole('combobox', { name: 'Presence' })).toContainText('Wrap-up');
    const seconds = panel.locator('.countdown .seconds');
    await expect(seconds).toBeVisible();
    const before = Number(await seconds.textContent());
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThanOrEqual(30);

    // Not rung while wrapping up: Katherine's next call waits.
    await caller.dial('/private/ada');
    await expect(caller.outgoingStatus()).toHaveText('Ringing');
    await page.waitForTimeout(1_500);
    await expect(ada.ringingCards()).toHaveCount(0);

    await panel.getByRole('button', { name: /More time/ }).click();
    await expect.poll(async () => Number(await seconds.textContent())).toBeGreaterThan(before + 20);

    await panel.getByRole('combobox', { name: 'Disposition' }).click();
    await page.getByRole('option', { name: 'Resolved' }).click();
    await panel.getByLabel('Note').fill('Asked about invoice 42');
    await expect(panel.getByRole('status')).toHaveText('Draft kept on this device until saved');
    const firstCallId = await storedDraftCallId(page);

    // Done saves and ends the wrap-up: the waiting call rings at once.
    await panel.getByRole('button', { name: 'Done' }).click();
    await expect(panel.getByRole('heading', { name: 'Wrap-up' })).toBeHidden();
    await expect(ada.card(CALLER).getByRole('button', { name: 'Accept' })).toBeEnabled();
    const first = await savedWrapUp(page, firstCallId);
    expect(first).toMatchObject({ dispositionCode: 'resolved', note: 'Asked about invoice 42' });
    expect(first.startedAt).toEqual(expect.any(Number));
    // Recent calls come from the server's history: the call with its disposition.
    const recent = page.locator('app-recent-calls li').filter({ hasText: CALLER });
    await expect(recent.first()).toContainText('Resolved');
    await expect(recent.first().getByRole('button', { name: `Call back ${CALLER}` })).toBeVisible();

    // The second call's draft survives a reload and is saved from the restored panel.
    await answerAndHangUp(ada, caller);
    await expect(panel.getByRole('heading', { name: 'Wrap-up' })).toBeVisible();
    await panel.getByLabel('Note').fill('Will call back tomorrow');
    const secondCallId = await storedDraftCallId(page);
    expect(secondCallId).not.toBe(firstCallId);
    await page.reload();
    await expect(panel.getByRole('heading', { name: 'Wrap-up' })).toBeVisible();
    // Read from the server, the recent calls survive the reload.
    // (Newest first: the second call, then the first with its disposition.)
    await expect(recent.nth(1)).toContainText('Resolved');
    // Ada answered and hung up herself; the row says so (#13 §2: who hung up, not "Answered").
    await expect(recent.first()).toContainText('You hung up');
    await expect(recent.first()).not.toContainText('Resolved');
    await expect(panel).toContainText(`Call with ${CALLER}`);
    await expect(panel.getByLabel('Note')).toHaveValue('Will call back tomorrow');
    // A reload keeps the tab's session (SESSION_RELOAD_GRACE_SECONDS), so the wrap-up goes on
    // with its countdown; Done saves the restored draft and ends it.
    await expect(panel).toContainText('Calls ring again in');
    await expect(page.getByRole('combobox', { name: 'Presence' })).toContainText('Wrap-up');
    await panel.getByRole('button', { name: 'Done' }).click();
    await expect(panel.getByRole('heading', { name: 'Wrap-up' })).toBeHidden();
    expect(await savedWrapUp(page, secondCallId)).toMatchObject({
      dispositionCode: null,
      note: 'Will call back tomorrow',
    });
    await page.reload();
    await expect(page.getByRole('switch', { name: 'Come online' })).toBeVisible();
    await expect(panel.getByRole('heading', { name: 'Wrap-up' })).toBeHidden();
  });
});

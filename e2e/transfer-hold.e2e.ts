import { expect, test, type APIRequestContext, type Browser } from '@playwright/test';
import { DEMO_API_KEY, userIds } from './support/admin-api';
import { AgentConsole, type CallMediaStats } from './support/agent-console';

/**
 * Issue 5: transfer and hold, through the console only, with real media (the embedded media
 * server, Chromium's fake camera and microphone). Ada (agent A) takes Katherine's call; Grace
 * (agent B) is where it goes. Every media wait polls against a deadline: on a loaded 2-core
 * machine ICE, DTLS and the first keyframe can take seconds.
 */
const CALLER = 'Katherine Johnson';
const AGENT_A = 'Ada Lovelace';
const MEDIA_DEADLINE = { timeout: 30_000, intervals: [250] };

/** The figures of one call in this tab (fails the poll while it has no media). */
async function statsOf(console: AgentConsole, callId?: string): Promise<CallMediaStats> {
  const all = await console.mediaStats();
  const stats = callId ? all.find((s) => s.callId === callId) : all[0];
  if (!stats) throw new Error(`no media for ${callId ?? 'any call'} in this tab`);
  return stats;
}

/** Waits until the remote video of this tab's visible call decodes frames, and keeps decoding. */
async function expectRemoteVideoDecoding(console: AgentConsole): Promise<void> {
  const media = console.callMedia().first();
  await expect(media.locator('video.remote-video')).toBeVisible({ timeout: 30_000 });
  const callId = (await media.getAttribute('data-call-id')) ?? undefined;
  await expect
    .poll(
      () =>
        media
          .locator('video.remote-video')
          .evaluate((video) => (video as HTMLVideoElement).videoWidth),
      MEDIA_DEADLINE,
    )
    .toBeGreaterThan(0);
  const first = (await statsOf(console, callId)).inbound.video.framesDecoded;
  await expect
    .poll(async () => (await statsOf(console, callId)).inbound.video.framesDecoded, MEDIA_DEADLINE)
    .toBeGreaterThan(first + 10);
}

/** Audio bytes that arrive in `ms` (after an unsubscribe there may be no inbound stream: 0). */
async function audioBytesIn(console: AgentConsole, ms: number): Promise<number> {
  const bytes = async () => (await console.mediaStats())[0]?.inbound.audio.bytesReceived ?? 0;
  const before = await bytes();
  await console.page.waitForTimeout(ms);
  return Math.max(0, (await bytes()) - before);
}

/** Replaces a demo person's skills through the tenant's API (the admin's job, not the agent's). */
async function setSkills(
  request: APIRequestContext,
  email: string,
  skills: Record<string, number>,
): Promise<void> {
  const [id] = await userIds(request, [email]);
  const response = await request.put(`/api/users/${id}/skills`, {
    headers: { authorization: `Bearer ${DEMO_API_KEY}` },
    data: { skills },
  });
  expect(response.status()).toBe(200);
}

async function onVideoCall(browser: Browser) {
  const ada = await AgentConsole.signIn(browser, 'ada@demo.test');
  const caller = await AgentConsole.signIn(browser, 'katherine@demo.test');
  await ada.comeOnline();
  await ada.turnOnVideoCalls();
  await caller.turnOnVideoCalls();
  await caller.dial('/private/ada');
  await ada.card(CALLER).getByRole('button', { name: 'Accept' }).click();
  await expect(ada.activeCall()).toContainText('Connected', { timeout: 30_000 });
  await expect(caller.outgoingStatus()).toHaveText('Connected', { timeout: 30_000 });
  return { ada, caller };
}

/** Opens Ada's transfer dialog for the caller's call and picks a destination by its text. */
const pickTransferDestination = (agent: AgentConsole, search: string, option: string) =>
  agent.pickTransferDestination(CALLER, search, option);

test.describe('transfer and hold', () => {
  let consoles: AgentConsole[] = [];
  test.afterEach(async () => {
    await Promise.all(consoles.map((c) => c.close()));
    consoles = [];
  });

  test('blind transfer to the support group: Grace sees who sent it, takes it with video, Ada is free', async ({
    browser,
  }) => {
    const grace = await AgentConsole.signIn(browser, 'grace@demo.test');
    await grace.comeOnline();
    await grace.turnOnVideoCalls();
    const { ada, caller } = await onVideoCall(browser);
    consoles = [ada, caller, grace];

    const dialog = await pickTransferDestination(ada, 'support', 'support');
    await dialog.getByRole('button', { name: 'Transfer now' }).click();
    await expect(dialog).toBeHidden();

    const card = grace.card(CALLER);
    await expect(card).toContainText(`Transferred by ${AGENT_A}`, { timeout: 10_000 });
    await expect(caller.outgoingStatus()).toHaveText('On hold');
    await expect(ada.activeCall()).toContainText('Transferred to support');

    await card.getByRole('button', { name: 'Accept' }).click();
    await expect(grace.activeCall()).toContainText(CALLER);
    await expect(grace.activeCall()).toContainText('Connected', { timeout: 30_000 });
    await expectRemoteVideoDecoding(grace);
    await expect(caller.outgoingStatus()).toHaveText('Connected');
    await expectRemoteVideoDecoding(caller);

    // Ada's leg lingers with its outcome, then her call UI is gone and her media left.
    await expect(ada.activeCall()).toBeHidden({ timeout: 15_000 });
    await expect(ada.page.locator('app-active-call-panel')).toContainText('Not on a call');
    await expect.poll(() => ada.mediaStats(), MEDIA_DEADLINE).toEqual([]);
  });

  test('a warm transfer that is cancelled brings the caller back to Ada, off hold', async ({
    browser,
  }) => {
    const grace = await AgentConsole.signIn(browser, 'grace@demo.test');
    await grace.comeOnline();
    await grace.turnOnVideoCalls();
    const { ada, caller } = await onVideoCall(browser);
    consoles = [ada, caller, grace];
    await expectRemoteVideoDecoding(ada);

    const dialog = await pickTransferDestination(ada, 'grace', 'Grace Hopper');
    await dialog.getByRole('button', { name: 'Consult first' }).click();

    await expect(caller.outgoingStatus()).toHaveText('On hold', { timeout: 10_000 });
    const transfer = ada.activeCall().getByRole('region', { name: 'Transfer' });
    await expect(transfer).toContainText('Consulting Grace Hopper');
    await expect(transfer).toContainText('Ringing…');
    await expect(ada.activeCall()).toContainText('On hold');
    await expect(
      ada.activeCall().getByRole('button', { name: 'Complete transfer' }),
    ).toBeDisabled();

    // Grace is told it is a consultation about the caller, not a transfer to her yet.
    const card = grace.card(AGENT_A);
    await expect(card).toContainText(`Consultation from ${AGENT_A} about ${CALLER}`);
    await expect(card).not.toContainText('Transferred by');
    await card.getByRole('button', { name: 'Accept' }).click();
    await expect(transfer).toContainText('Consulting', { timeout: 10_000 });
    await expect(transfer.getByText('Ringing…')).toHaveCount(0);
    await expect(ada.activeCall().getByRole('button', { name: 'Complete transfer' })).toBeEnabled();
    // Ada and Grace talk: Ada's panel shows Grace's video.
    await expectRemoteVideoDecoding(ada);

    await expect(grace.activeCall()).toContainText(`Consultation from ${AGENT_A} about ${CALLER}`);
    // One row per party, each with its own controls (#13 §1).
    const parties = transfer.getByRole('list', { name: 'Parties on this call' });
    await expect(parties.getByRole('listitem')).toHaveCount(2);
    const customer = parties.getByRole('listitem').filter({ hasText: 'Customer' });
    await expect(customer).toContainText(CALLER);
    await expect(customer).toContainText('Held while you consult');
    await expect(customer.getByRole('button', { name: `Resume ${CALLER}` })).toBeEnabled();
    await expect(customer.getByRole('button', { name: `Hang up ${CALLER}` })).toBeEnabled();
    const consulted = parties.getByRole('listitem').filter({ hasText: 'Grace Hopper' });
    await expect(consulted).toContainText('Consulting');
    await expect(consulted.getByRole('button', { name: 'Hang up Grace Hopper' })).toBeEnabled();
    // Ada's panel says what each button does to whom.
    await expect(transfer).toContainText(
      `Complete transfer: ${CALLER} goes to Grace Hopper and you leave the call.`,
    );
    await expect(transfer).toContainText(
      `Cancel consultation: Grace Hopper is hung up and ${CALLER} comes back to you, off hold.`,
    );
    await ada.activeCall().getByRole('button', { name: 'Cancel consultation' }).click();
    await expect(transfer).toBeHidden({ timeout: 10_000 });
    await expect(ada.activeCall()).not.toContainText('On hold');
    await expect(caller.outgoingStatus()).toHaveText('Connected');
    await expect(grace.page.locator('app-active-call-panel')).toContainText('Not on a call', {
      timeout: 15_000,
    });
    // Both directions of the original call carry video again.
    await expect(ada.callMedia()).toHaveCount(1);
    await expectRemoteVideoDecoding(ada);
    await expectRemoteVideoDecoding(caller);
    await expect(ada.activeCall().getByRole('button', { name: 'Hold' })).toBeEnabled();
  });

  test('a transfer the destination declines rings Ada again, who takes the caller back; the picker offers only who can take a call', async ({
    browser,
  }) => {
    const { ada, caller } = await onVideoCall(browser);
    const alan = await AgentConsole.signIn(browser, 'alan@demo.test');
    consoles = [ada, caller, alan];

    // Alan is signed in but not online: the picker does not offer him, nor the caller.
    await ada.activeCall().getByRole('button', { name: 'Transfer', exact: true }).click();
    const picker = ada.page.getByRole('dialog', { name: `Transfer ${CALLER}` });
    await expect(picker.getByRole('option').first()).toBeVisible();
    await expect(picker.getByRole('option').filter({ hasText: 'Alan Turing' })).toHaveCount(0);
    await expect(picker.getByRole('option').filter({ hasText: CALLER })).toHaveCount(0);
    // He comes online while the picker is open: it offers him.
    await alan.comeOnline();
    const alanOption = picker.getByRole('option').filter({ hasText: 'Alan Turing' });
    await expect(alanOption).toContainText('Available', { timeout: 10_000 });
    await alanOption.click();
    await picker.getByRole('button', { name: 'Transfer now' }).click();
    await alan.card(CALLER).getByRole('button', { name: 'Decline' }).click();

    const card = ada.card(CALLER);
    await expect(card).toContainText('Back to you: Alan Turing did not take the transfer', {
      timeout: 10_000,
    });
    await expect(caller.outgoingStatus()).toHaveText('On hold');
    await card.getByRole('button', { name: 'Accept' }).click();
    await expect(ada.activeCall()).toContainText('Connected', { timeout: 30_000 });
    await expect(caller.outgoingStatus()).toHaveText('Connected');
    await expectRemoteVideoDecoding(ada);
    await expectRemoteVideoDecoding(caller);
  });

  test('a transfer to support requiring a skill only Grace holds rings only Grace; a refused requirement stays in the dialog and transfers nothing', async ({
    browser,
    request,
  }) => {
    // Unique per run: a skill nobody else in the demo tenant holds.
    const skill = `e2e-${Date.now().toString(36)}`;
    await setSkills(request, 'grace@demo.test', { [skill]: 7 });
    try {
      const grace = await AgentConsole.signIn(browser, 'grace@demo.test');
      const alan = await AgentConsole.signIn(browser, 'alan@demo.test');
      await grace.comeOnline();
      await alan.comeOnline();
      const ada = await AgentConsole.signIn(browser, 'ada@demo.test');
      const caller = await AgentConsole.signIn(browser, 'katherine@demo.test');
      consoles = [ada, caller, grace, alan];
      await ada.comeOnline();
      await caller.dial('/private/ada');
      await ada.card(CALLER).getByRole('button', { name: 'Accept' }).click();
      await expect(caller.outgoingStatus()).toHaveText('Connected', { timeout: 30_000 });

      const dialog = await pickTransferDestination(ada, 'support', 'support');
      // Both Grace and Alan are available in support: without skills either could be rung.
      await expect(dialog.getByRole('option').filter({ hasText: 'support' })).toContainText(
        '2 available',
      );
      const skillField = dialog.getByLabel('Skill', { exact: true });
      const levelField = dialog.getByLabel('Level', { exact: true });
      const addSkill = dialog.getByRole('button', { name: 'Add skill' });
      const refusal = dialog.getByTestId('transfer-refusal');

      // A skill nobody holds: the server refuses, the dialog says so, nothing moves.
      await skillField.fill('klingon');
      await levelField.fill('3');
      await addSkill.click();
      await dialog.getByRole('button', { name: 'Transfer now' }).click();
      await expect(refusal).toHaveText(
        'Not transferred: unknown skill "klingon": nobody here holds it',
      );
      await dialog.getByRole('button', { name: 'Remove klingon' }).click();
      // A level out of range: refused by the server's schema, in its words.
      await skillField.fill(skill);
      await levelField.fill('11');
      await addSkill.click();
      await dialog.getByRole('button', { name: 'Transfer now' }).click();
      await expect(refusal).toContainText(/Not transferred: .*skills/);
      await expect(dialog).toBeVisible();
      await expect(caller.outgoingStatus()).toHaveText('Connected');
      await expect(ada.activeCall()).not.toContainText('Transferring');
      await expect(grace.ringingCards()).toHaveCount(0);
      await expect(alan.ringingCards()).toHaveCount(0);

      // The tenant's skills are offered with the highest level held.
      await dialog.getByRole('button', { name: `Remove ${skill}` }).click();
      await skillField.fill(skill.slice(0, 6));
      await ada.page.getByRole('option', { name: `${skill} · held up to level 7` }).click();
      await levelField.fill('5');
      await addSkill.click();
      await expect(dialog.locator(`li[data-skill="${skill}"]`)).toContainText('level 5 or above');
      await dialog.getByRole('button', { name: 'Transfer now' }).click();
      await expect(dialog).toBeHidden();

      const card = grace.card(CALLER);
      await expect(card).toContainText(`Transferred by ${AGENT_A}`, { timeout: 10_000 });
      // Alan is available and in support, but does not hold the skill: never rung.
      await grace.page.waitForTimeout(1_000);
      await expect(alan.ringingCards()).toHaveCount(0);
      await card.getByRole('button', { name: 'Accept' }).click();
      await expect(grace.activeCall()).toContainText('Connected', { timeout: 30_000 });
      await expect(caller.outgoingStatus()).toHaveText('Connected');
    } finally {
      await setSkills(request, 'grace@demo.test', {});
    }
  });

  test('hold stops the media reaching the caller; resume brings it back', async ({ browser }) => {
    const { ada, caller } = await onVideoCall(browser);
    consoles = [ada, caller];
    await expect.poll(() => audioBytesIn(caller, 1_000), MEDIA_DEADLINE).toBeGreaterThan(1_000);

    await ada.activeCall().getByRole('button', { name: 'Hold' }).click();
    // The status line says it (issue 13), once; the hold badge times it.
    await expect(ada.activeCall().locator('.line .status')).toHaveText('On hold');
    await expect(ada.activeCall().getByText('On hold', { exact: true })).toHaveCount(1);
    await expect(ada.activeCall().locator('app-hold-badge')).toBeVisible();
    await expect(caller.outgoingStatus()).toHaveText('On hold');
    await expect.poll(() => audioBytesIn(caller, 2_000), MEDIA_DEADLINE).toBeLessThan(200);
    // The hold timer ticks.
    const timer = ada.activeCall().locator('app-hold-badge .timer');
    await expect(timer).not.toHaveText('0:00', { timeout: 5_000 });

    await ada.activeCall().getByRole('button', { name: 'Resume' }).click();
    await expect(caller.outgoingStatus()).toHaveText('Connected');
    await expect(ada.activeCall().locator('app-hold-badge')).toHaveCount(0);
    await expect.poll(() => audioBytesIn(caller, 1_000), MEDIA_DEADLINE).toBeGreaterThan(1_000);
    await expectRemoteVideoDecoding(caller);
  });
});

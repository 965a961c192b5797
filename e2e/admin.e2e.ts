import { expect, test } from '@playwright/test';
import { AgentConsole, DEMO_PASSWORD, DEMO_TENANT } from './support/agent-console';

const CALLER = 'Katherine Johnson';

test.describe('the admin console', () => {
  let consoles: AgentConsole[] = [];
  test.afterEach(async () => {
    await Promise.all(consoles.map((c) => c.close()));
    consoles = [];
  });

  test('an admin creates a longest-idle group with two agents; the agent idle longest rings first, then the other', async ({
    browser,
  }) => {
    const ada = await AgentConsole.signIn(browser, 'ada@demo.test');
    const grace = await AgentConsole.signIn(browser, 'grace@demo.test');
    const admin = await AgentConsole.signIn(browser, 'admin@demo.test');
    const caller = await AgentConsole.signIn(browser, 'katherine@demo.test');
    consoles = [ada, grace, admin, caller];
    // Ada has been available longest; Grace comes online after her.
    await ada.comeOnline();
    await grace.page.waitForTimeout(1_100);
    await grace.comeOnline();

    const page = admin.page;
    await page.getByRole('link', { name: 'Admin' }).click();
    await expect(page.getByRole('heading', { name: 'Admin', level: 1 })).toBeVisible();
    await page.getByTestId('new-group').click();
    const form = page.getByTestId('group-form');
    const name = `e2e-idle-${Date.now().toString(36)}`;
    await form.getByLabel('Name').fill(name);
    // Keyboard-usable: the selects open with Enter.
    await form.getByRole('combobox', { name: 'Strategy' }).press('Enter');
    await page.getByRole('option', { name: 'Longest idle' }).click();
    // Grace first in member order: a sequential group would ring her, longest-idle rings Ada.
    for (const person of ['Grace Hopper', 'Ada Lovelace']) {
      await form.getByRole('combobox', { name: 'Add member' }).press('Enter');
      await page.getByRole('option', { name: new RegExp(person) }).click();
    }
    await expect(form.getByTestId('group-members')).toHaveText(/Grace Hopper.*Ada Lovelace/s);
    await form.getByTestId('save-group').click();
    await expect(form).toBeHidden();
    const row = page.locator(`tr[data-group="${name}"]`);
    await expect(row.getByTestId('group-strategy')).toHaveText('Longest idle');

    await caller.dial(`/group/${name}`);
    await expect(ada.card(CALLER)).toBeVisible();
    await expect(ada.card(CALLER).getByRole('button', { name: 'Accept' })).toBeEnabled();
    // Both tabs get their frames from the same routing step: give Grace's a moment to arrive.
    await grace.page.waitForTimeout(500);
    await expect(grace.card(CALLER)).toHaveCount(0);

    await ada.card(CALLER).getByRole('button', { name: 'Decline' }).click();
    await expect(grace.card(CALLER).getByRole('button', { name: 'Accept' })).toBeEnabled();
    await grace.card(CALLER).getByRole('button', { name: 'Accept' }).click();
    await expect(grace.activeCall()).toContainText(CALLER);
    await grace.activeCall().getByRole('button', { name: 'Hang up' }).click();
    await expect(caller.outgoingStatus()).toHaveText('Hung up');
  });

  test('the server refuses what the form cannot catch, inline; agents see no Admin link', async ({
    browser,
  }) => {
    const admin = await AgentConsole.signIn(browser, 'admin@demo.test');
    const agent = await AgentConsole.signIn(browser, 'ada@demo.test');
    consoles = [admin, agent];
    await expect(agent.page.getByRole('link', { name: 'Admin' })).toHaveCount(0);

    const page = admin.page;
    await page.goto('/admin');
    await page.getByTestId('new-group').click();
    const form = page.getByTestId('group-form');
    await form.getByLabel('Name').fill('Not Valid');
    await form.getByTestId('save-group').click();
    await expect(form.getByTestId('group-problems')).toContainText('Name: lower-case letters');
    // "support" exists in the demo tenant: only the server knows, and says so.
    await form.getByLabel('Name').fill('support');
    await form.getByTestId('save-group').click();
    await expect(form.getByTestId('group-server-error')).toHaveText(
      'a ring group named "support" already exists',
    );
    // The browser logs the refused request itself; that one is expected, nothing else is.
    const refused = admin.errors.filter((error) => /status of 409 \(Conflict\)/.test(error));
    expect(refused).toHaveLength(1);
    admin.errors.splice(admin.errors.indexOf(refused[0]), 1);
  });

  test('an admin creates an API key (shown once) and revokes it: refused at once', async ({
    browser,
    request,
  }) => {
    const admin = await AgentConsole.signIn(browser, 'admin@demo.test');
    consoles = [admin];
    const page = admin.page;
    await page.goto('/admin');
    const label = `e2e key ${Date.now().toString(36)}`;
    await page.getByTestId('key-label').fill(label);
    await page.getByTestId('create-key').click();
    const key = (await page.getByTestId('new-key').textContent())!.trim();
    expect(key).toMatch(/^sbk_/);
    const listGroups = () =>
      request.get('/api/ring-groups', { headers: { authorization: `Bearer ${key}` } });
    expect((await listGroups()).status()).toBe(200);

    await page.getByRole('button', { name: `Revoke ${label}` }).click();
    await expect(page.locator(`tr[data-key="${label}"]`)).toContainText('Revoked');
    // The key was used a moment ago (and remembered by the server): refused all the same.
    expect((await listGroups()).status()).toBe(401);
  });

  test('an admin creates a person who signs in; the server refuses a taken email inline; deactivated, their console is signed out and sign-in refused', async ({
    browser,
    request,
  }) => {
    const admin = await AgentConsole.signIn(browser, 'admin@demo.test');
    consoles = [admin];
    const page = admin.page;
    await page.goto('/admin');
    const email = `e2e-${Date.now().toString(36)}@demo.test`;
    await page.getByTestId('new-person').click();
    const form = page.getByTestId('person-form');
    await form.getByTestId('save-person').click();
    await expect(form.getByTestId('person-problems')).toContainText('Sign-in email');
    await form.getByLabel('Sign-in email').fill(email);
    await form.getByLabel('Name').fill('Mary Jackson');
    await form.getByRole('combobox', { name: 'Role' }).press('Enter');
    await page.getByRole('option', { name: 'Supervisor' }).click();
    await form.getByLabel('Initial password').fill(DEMO_PASSWORD);
    await form.getByTestId('save-person').click();
    await expect(form).toBeHidden();
    const row = page.locator(`tr[data-person="${email}"]`);
    await expect(row.getByTestId('person-role-cell')).toHaveText('Supervisor');
    await expect(row.getByTestId('person-status')).toHaveText('Active');

    // Only the server knows the email is taken: it says so, inline.
    await page.getByTestId('new-person').click();
    await form.getByLabel('Sign-in email').fill(email);
    await form.getByLabel('Name').fill('Mary Again');
    await form.getByTestId('save-person').click();
    await expect(form.getByTestId('person-server-error')).toHaveText(
      `someone already signs in as ${email}`,
    );
    const refused = admin.errors.filter((error) => /status of 409 \(Conflict\)/.test(error));
    expect(refused).toHaveLength(1);
    admin.errors.splice(admin.errors.indexOf(refused[0]), 1);

    const mary = await AgentConsole.signIn(browser, email);
    consoles.push(mary);
    await row.getByRole('button', { name: 'Deactivate Mary Jackson' }).click();
    await expect(row.getByTestId('person-status')).toHaveText('Deactivated');
    await expect(mary.page).toHaveURL(/sign-in/);
    const login = await request.post('/api/auth/login', {
      data: { tenant: DEMO_TENANT, email, password: DEMO_PASSWORD },
    });
    expect(login.status()).toBe(401);
    // Her console logged the refused refresh and reconnection: expected, nothing else is.
    mary.errors.splice(0, mary.errors.length, ...mary.errors.filter((error) => !/401/.test(error)));

    await row.getByRole('button', { name: 'Reactivate Mary Jackson' }).click();
    await expect(row.getByTestId('person-status')).toHaveText('Active');
    const again = await request.post('/api/auth/login', {
      data: { tenant: DEMO_TENANT, email, password: DEMO_PASSWORD },
    });
    expect(again.status()).toBe(200);
  });
});

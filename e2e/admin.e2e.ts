import { expect, test } from '@playwright/test';
import { DEMO_API_KEY } from './support/admin-api';
import { expectNoSeriousViolations } from './support/axe';
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

    await expect(page.getByTestId('copy-key')).toHaveText('Copy key');
    // Revoking asks first: until the admin confirms, the key still works.
    const row = page.locator(`tr[data-key="${label}"]`);
    await row.getByRole('button', { name: `Revoke ${label}` }).click();
    await expect(row).toContainText(`Anything using ${label} is refused at once.`);
    await row.getByRole('button', { name: 'Keep it' }).click();
    expect((await listGroups()).status()).toBe(200);
    await row.getByRole('button', { name: `Revoke ${label}` }).click();
    await row.getByRole('button', { name: `Confirm revoking ${label}` }).click();
    await expect(row).toContainText('Revoked');
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

    // The same form edits her: renamed and made an agent, the list shows it.
    await row.getByRole('button', { name: 'Edit Mary Jackson' }).click();
    const editForm = page.getByRole('form', { name: 'Edit Mary Jackson' });
    await expect(editForm.getByLabel('Name')).toHaveValue('Mary Jackson');
    await expect(editForm.getByLabel('Sign-in email')).toHaveCount(0);
    await editForm.getByLabel('Name').fill('Mary W. Jackson');
    await editForm.getByRole('combobox', { name: 'Role' }).press('Enter');
    await page.getByRole('option', { name: 'Agent' }).click();
    await editForm.getByRole('button', { name: 'Save' }).click();
    await expect(editForm).toBeHidden();
    await expect(row.getByTestId('person-role-cell')).toHaveText('Agent');
    await expect(row).toContainText('Mary W. Jackson');

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
    await row.getByRole('button', { name: 'Deactivate Mary W. Jackson' }).click();
    await expect(row.getByTestId('person-status')).toHaveText('Deactivated');
    await expect(mary.page).toHaveURL(/sign-in/);
    const login = await request.post('/api/auth/login', {
      data: { tenant: DEMO_TENANT, email, password: DEMO_PASSWORD },
    });
    expect(login.status()).toBe(401);
    // Her console logged the refused refresh and reconnection: expected, nothing else is.
    mary.errors.splice(0, mary.errors.length, ...mary.errors.filter((error) => !/401/.test(error)));

    await row.getByRole('button', { name: 'Reactivate Mary W. Jackson' }).click();
    await expect(row.getByTestId('person-status')).toHaveText('Active');
    const again = await request.post('/api/auth/login', {
      data: { tenant: DEMO_TENANT, email, password: DEMO_PASSWORD },
    });
    expect(again.status()).toBe(200);
  });

  test('an admin adds a phone number routed to a group with skills, reroutes it to a person, and deletes it; the server refuses a taken number inline', async ({
    browser,
    request,
  }) => {
    const admin = await AgentConsole.signIn(browser, 'admin@demo.test');
    consoles = [admin];
    const page = admin.page;
    await page.goto('/admin');
    // The UK's drama range: valid for libphonenumber, never anyone's; unique per run.
    const suffix = String(Date.now() % 1000).padStart(3, '0');
    const typed = `+44 20 7946 0${suffix}`;
    const e164 = `+442079460${suffix}`;

    await page.getByTestId('new-number').click();
    const form = page.getByTestId('number-form');
    await form.getByTestId('save-number').click();
    await expect(form.getByTestId('number-problems')).toContainText('Number: "+"');
    await expect(form.getByTestId('number-problems')).toContainText('Ring group: choose');
    await form.getByLabel('Number', { exact: true }).fill(typed);
    await form.getByLabel('Label').fill('Spanish line');
    // Keyboard-usable: the selects open with Enter.
    await form.getByRole('combobox', { name: 'Ring group' }).press('Enter');
    await page.getByRole('option', { name: 'support', exact: true }).click();
    await form.getByLabel('Required skills').fill('spanish 7');
    await expectNoSeriousViolations(page, 'the admin console with the phone number form open');
    await form.getByTestId('save-number').click();
    await expect(form).toBeHidden();
    const row = page.locator(`tr[data-number="${e164}"]`);
    await expect(row).toContainText(typed);
    await expect(row.getByTestId('number-destination')).toHaveText(
      'support (/group/support) · needs spanish 7',
    );
    // What the server stored is what the list shows: the route the phone call will take.
    const stored = async () => {
      const response = await request.get('/api/phone-numbers', {
        headers: { authorization: `Bearer ${DEMO_API_KEY}` },
      });
      const { phoneNumbers } = (await response.json()) as {
        phoneNumbers: { number: string; label: string; destination: unknown }[];
      };
      return phoneNumbers.find((candidate) => candidate.number === e164);
    };
    expect(await stored()).toMatchObject({
      label: 'Spanish line',
      destination: { type: 'group', name: 'support', skills: { spanish: 7 } },
    });

    // Only the server knows the number is taken: it says so, inline, and nothing changes.
    await page.getByTestId('new-number').click();
    await form.getByLabel('Number', { exact: true }).fill(typed);
    await form.getByRole('combobox', { name: 'Ring group' }).press('Enter');
    await page.getByRole('option', { name: 'support', exact: true }).click();
    await form.getByTestId('save-number').click();
    await expect(form.getByTestId('number-server-error')).toHaveText(
      `phone number ${e164} is already in use`,
    );
    const refused = admin.errors.filter((error) => /status of 409 \(Conflict\)/.test(error));
    expect(refused).toHaveLength(1);
    admin.errors.splice(admin.errors.indexOf(refused[0]), 1);
    await form.getByRole('button', { name: 'Cancel' }).click();

    await row.getByRole('button', { name: `Edit ${typed}` }).click();
    await expect(form.getByLabel('Label')).toHaveValue('Spanish line');
    await expect(form.getByLabel('Required skills')).toHaveValue('spanish 7');
    await form.getByRole('combobox', { name: 'Calls go to' }).press('Enter');
    await page.getByRole('option', { name: 'Person' }).click();
    await form.getByRole('combobox', { name: 'Person' }).press('Enter');
    await page.getByRole('option', { name: /Grace Hopper/ }).click();
    await form.getByLabel('Required skills').fill('');
    await form.getByTestId('save-number').click();
    await expect(form).toBeHidden();
    await expect(row.getByTestId('number-destination')).toHaveText(/^Grace Hopper \(\/private\//);
    expect(await stored()).toMatchObject({ destination: { type: 'user', name: 'Grace Hopper' } });

    await row.getByRole('button', { name: `Delete ${typed}` }).click();
    await expect(row).toHaveCount(0);
    expect(await stored()).toBeUndefined();
  });

  test("a second admin's open page shows a new person, group and number without a reload", async ({
    browser,
  }) => {
    const editing = await AgentConsole.signIn(browser, 'admin@demo.test');
    const watching = await AgentConsole.signIn(browser, 'admin@demo.test');
    consoles = [editing, watching];
    await watching.page.goto('/admin');
    await editing.page.goto('/admin');
    const stamp = Date.now().toString(36);
    // The watching page must not reload: a marker on its window would not survive one.
    await watching.page.evaluate(() => ((window as { notReloaded?: boolean }).notReloaded = true));

    const page = editing.page;
    const email = `e2e-live-${stamp}@demo.test`;
    await page.getByTestId('new-person').click();
    const personForm = page.getByTestId('person-form');
    await personForm.getByLabel('Sign-in email').fill(email);
    await personForm.getByLabel('Name').fill('Dorothy Vaughan');
    await personForm.getByTestId('save-person').click();
    await expect(personForm).toBeHidden();
    await expect(watching.page.locator(`tr[data-person="${email}"]`)).toContainText(
      'Dorothy Vaughan',
    );

    const name = `e2e-live-${stamp}`;
    await page.getByTestId('new-group').click();
    const groupForm = page.getByTestId('group-form');
    await groupForm.getByLabel('Name').fill(name);
    // The new person is a member to choose on the other page too.
    await groupForm.getByRole('combobox', { name: 'Add member' }).press('Enter');
    await page.getByRole('option', { name: /Dorothy Vaughan/ }).click();
    await groupForm.getByTestId('save-group').click();
    await expect(groupForm).toBeHidden();
    await expect(watching.page.locator(`tr[data-group="${name}"]`)).toContainText(
      'Dorothy Vaughan',
    );

    const suffix = String((Date.now() + 500) % 1000).padStart(3, '0');
    await page.getByTestId('new-number').click();
    const numberForm = page.getByTestId('number-form');
    await numberForm.getByLabel('Number', { exact: true }).fill(`+44 20 7946 0${suffix}`);
    await numberForm.getByRole('combobox', { name: 'Ring group' }).press('Enter');
    await page.getByRole('option', { name, exact: true }).click();
    await numberForm.getByTestId('save-number').click();
    await expect(numberForm).toBeHidden();
    const watchedNumber = watching.page.locator(`tr[data-number="+442079460${suffix}"]`);
    await expect(watchedNumber.getByTestId('number-destination')).toHaveText(
      `${name} (/group/${name})`,
    );

    // Deleting the group: the other page drops it and shows its number routing nowhere.
    await page.locator(`tr[data-group="${name}"]`).getByRole('button', { name: 'Delete' }).click();
    await expect(watching.page.locator(`tr[data-group="${name}"]`)).toHaveCount(0);
    await expect(watchedNumber.getByTestId('number-destination')).toHaveText(
      'Nowhere: its group or person was deleted',
    );
    await page
      .locator(`tr[data-number="+442079460${suffix}"]`)
      .getByRole('button', { name: /^Delete/ })
      .click();
    await expect(watchedNumber).toHaveCount(0);
    expect(
      await watching.page.evaluate(() => (window as { notReloaded?: boolean }).notReloaded),
    ).toBe(true);
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { expect, test, type APIRequestContext } from '@playwright/test';
import pg from 'pg';
import { createRingGroup, DEMO_API_KEY } from './support/admin-api';
import { AgentConsole } from './support/agent-console';

const e2ePort = Number(process.env.E2E_PORT ?? 3211);

/** Today in the browser's (and the test machine's) time zone, as the report form shows it. */
const today = () => {
  const now = new Date();
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
};

async function setTimeZone(request: APIRequestContext, timeZone: string, baseURL?: string) {
  const response = await request.put(`${baseURL ?? ''}/api/tenant/time-zone`, {
    headers: { authorization: `Bearer ${DEMO_API_KEY}` },
    data: { timeZone },
  });
  expect(response.status()).toBe(200);
}

test.describe('history and reports', () => {
  let consoles: AgentConsole[] = [];
  test.afterEach(async () => {
    await Promise.all(consoles.map((c) => c.close()));
    consoles = [];
  });

  test('an agent wraps up a call and finds it in the history; a supervisor sees it in today’s report and downloads the CSV', async ({
    browser,
    request,
  }) => {
    // Reports cut days in the tenant's zone; this machine's zone is the one the form uses.
    await setTimeZone(request, Intl.DateTimeFormat().resolvedOptions().timeZone);
    const address = await createRingGroup(request, 'e2e-reports', ['alan@demo.test'], {
      ringTimeoutSeconds: 60,
      maxWaitSeconds: 60,
      retryIntervalSeconds: 5,
    });
    const groupName = address.replace('/group/', '');
    const caller = `Report Caller ${randomBytes(3).toString('hex')}`;
    const alan = await AgentConsole.signIn(browser, 'alan@demo.test');
    const sam = await AgentConsole.signIn(browser, 'sam@demo.test');
    consoles = [alan, sam];
    await alan.comeOnline();

    const placed = await request.post('/api/calls', {
      headers: { authorization: `Bearer ${DEMO_API_KEY}` },
      data: { from: { name: caller, address: '+14155550199' }, to: address },
    });
    expect(placed.status()).toBe(201);
    await alan.card(caller).getByRole('button', { name: 'Accept' }).click();
    await expect(alan.activeCall()).toBeVisible();
    await alan.activeCall().getByRole('button', { name: 'Hang up' }).click();
    await expect(alan.activeCall()).toHaveCount(0);

    // The agent finds the call by the caller's number, opens it and wraps it up.
    const history = alan.page;
    await history.getByRole('link', { name: 'History' }).click();
    await expect(history.getByRole('heading', { name: 'My calls' })).toBeVisible();
    await history.getByTestId('history-query').fill('5550199');
    await history.getByTestId('history-search').click();
    const row = history.getByTestId('history-row').filter({ hasText: caller });
    await expect(row).toHaveCount(1);
    await expect(row.getByTestId('history-outcome')).toHaveText('Answered');
    await row.getByRole('button').click();
    const timeline = history.getByTestId('history-timeline');
    await expect(timeline.locator('li[data-event="answered"]')).toContainText(
      'Answered by Alan Turing',
    );
    await expect(timeline.locator('li[data-event="ended"]')).toBeVisible();
    await timeline.getByTestId('history-wrap-up-disposition').click();
    await history.getByRole('option', { name: 'Resolved' }).click();
    await timeline.getByTestId('history-wrap-up-note').fill('Reset the password');
    await timeline.getByTestId('history-wrap-up-save').click();
    await expect(timeline.getByRole('status')).toHaveText('Saved');
    await expect(row.getByTestId('history-disposition')).toHaveText('Resolved');

    // The supervisor's report for today counts it, and the CSV is the table.
    const reports = sam.page;
    await reports.getByRole('link', { name: 'Reports' }).click();
    await expect(reports.getByRole('heading', { name: 'Reports' })).toBeVisible();
    await reports.getByTestId('report-from').fill(today());
    await reports.getByTestId('report-to').fill(today());
    await reports.getByTestId('report-show').click();
    const reportRow = reports.getByTestId('report-row').filter({ hasText: groupName });
    await expect(reportRow).toHaveCount(1);
    const cells = await reportRow.locator('td').allTextContents();
    const headers = await reports.locator('table.report thead th').allTextContents();
    const figure = (name: string) => cells[headers.findIndex((h) => h.trim() === name)]?.trim();
    expect(figure('Interval')).toBe(today());
    expect(figure('Offered')).toBe('1');
    expect(figure('Answered')).toBe('1');
    expect(figure('Dispositions')).toBe('resolved: 1');

    const download = reports.waitForEvent('download');
    await reports.getByTestId('report-csv').click();
    const csv = await readFile(await (await download).path(), 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(headers.map((h) => h.trim()).join(','));
    const allRows = await reports.getByTestId('report-row').all();
    expect(lines).toHaveLength(allRows.length + 1);
    expect(lines).toContain(cells.map((cell) => cell.trim()).join(','));

    // Agents get no Reports link, and the page refuses them.
    await expect(history.getByRole('link', { name: 'Reports' })).toHaveCount(0);
    await history.goto('/reports');
    await expect(history.getByRole('alert')).toContainText(
      'Reports are for supervisors and admins',
    );
  });
});

/**
 * The DST case needs records from last March, which no API writes: a second call-control server
 * on PostgreSQL (a throw-away schema) serves the same console build, and the test writes the
 * records into its database directly.
 */
test.describe('reports across a DST change', () => {
  const port = Number(process.env.REPORTS_E2E_PORT ?? e2ePort + 1000);
  const baseURL = `http://127.0.0.1:${port}`;
  const postgresUrl = process.env.DATABASE_TEST_URL || 'postgres://root@127.0.0.1:5432/test';
  const schema = `switchboard_e2e_${randomBytes(4).toString('hex')}`;
  let server: ChildProcess | null = null;
  let reachable = true;
  const admin = () =>
    new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3000 });

  test.beforeAll(async () => {
    const client = admin();
    try {
      await client.connect();
    } catch {
      reachable = false;
      return;
    }
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.end();
    const url = new URL(postgresUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    // Its own process group, so stopping it stops tsx's node too (no orphan on the port).
    server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      detached: true,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: url.toString(),
        CONSOLE_DIR: `dist/e2e-console-${e2ePort}/browser`,
        MEDIA_PORT: '0',
        LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
    });
    for (let attempt = 0; ; attempt++) {
      const ready = await fetch(`${baseURL}/api/docs`).then(
        (response) => response.ok,
        () => false,
      );
      if (ready) break;
      if (attempt > 240) throw new Error(`the PostgreSQL-backed server on ${port} never started`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });

  test.afterAll(async () => {
    if (server) {
      const exited = new Promise((resolve) => server!.once('exit', resolve));
      process.kill(-server.pid!, 'SIGTERM');
      await exited;
    }
    if (!reachable) return;
    const client = admin();
    await client.connect();
    await client.query(`DROP SCHEMA ${schema} CASCADE`);
    await client.end();
  });

  test('an admin’s report over a range crossing a DST change shows the right day boundaries', async ({
    browser,
    request,
  }) => {
    test.skip(!reachable, 'PostgreSQL not reachable');
    await setTimeZone(request, 'America/New_York', baseURL);
    const created = await request.post(`${baseURL}/api/ring-groups`, {
      headers: { authorization: `Bearer ${DEMO_API_KEY}` },
      data: {
        name: 'dst',
        members: [],
        ringTimeoutSeconds: 20,
        maxWaitSeconds: 60,
        retryIntervalSeconds: 5,
      },
    });
    expect(created.status()).toBe(201);
    const group = (await created.json()) as { id: string };
    const client = admin();
    await client.connect();
    try {
      await client.query(`SET search_path TO ${schema}`);
      const [tenant] = (await client.query(`SELECT id FROM tenants WHERE name = 'demo'`)).rows;
      // New York changed from EST (UTC−5) to EDT (UTC−4) at 2026-03-08 02:00 local (07:00Z).
      const calls: [string, string][] = [
        ['dst-1', '2026-03-08T04:30:00Z'], // Mar 7, 23:30 EST (Mar 8 in UTC)
        ['dst-2', '2026-03-08T07:30:00Z'], // Mar 8, 03:30 EDT, the hour after the jump
        ['dst-3', '2026-03-09T03:30:00Z'], // Mar 8, 23:30 EDT (Mar 9 in UTC; Mar 9 at a fixed −5)
      ];
      for (const [id, createdAt] of calls)
        await client.query(
          `INSERT INTO calls (id, tenant_id, from_name, from_address, to_address, origin, status, end_reason,
                              created_at, ended_at, queue_wait_ms)
           VALUES ($1, $2, 'DST Caller', 'DST Caller', '/group/dst', 'api', 'ended', 'caller_cancelled',
                   $3::timestamptz, $3::timestamptz + interval '10 seconds', 10000)`,
          [id, tenant.id, createdAt],
        );
      await client.query(`UPDATE calls SET ring_group_id = $1 WHERE id LIKE 'dst-%'`, [group.id]);
    } finally {
      await client.end();
    }

    const context = await browser.newContext({ baseURL });
    const page = await context.newPage();
    const root = new AgentConsole(page);
    await page.goto('/sign-in');
    await page.getByLabel('Tenant').fill('demo');
    await page.getByLabel('Email').fill('admin@demo.test');
    await page.getByLabel('Password').fill('switchboard');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByTestId('report-from').fill('2026-03-07');
    await page.getByTestId('report-to').fill('2026-03-09');
    await page.getByTestId('report-show').click();
    await expect(page.getByTestId('report-time-zone')).toContainText('America/New_York');
    const rows = page.getByTestId('report-row');
    await expect(rows).toHaveCount(2);
    const days = await rows.evaluateAll((trs) =>
      trs.map((tr) =>
        [...tr.querySelectorAll('td')].slice(0, 3).map((td) => td.textContent?.trim()),
      ),
    );
    expect(days.map(([label, , offered]) => [label, offered])).toEqual([
      ['2026-03-07', '1'],
      ['2026-03-08', '2'],
    ]);

    // By hour, Mar 8 has no 02:00: the call at 03:30 EDT is in the 03:00 hour.
    await page.getByTestId('report-from').fill('2026-03-08');
    await page.getByTestId('report-to').fill('2026-03-08');
    await page.getByTestId('report-interval').click();
    await page.getByRole('option', { name: 'Hour' }).click();
    await page.getByTestId('report-show').click();
    await expect(rows.first()).toContainText('2026-03-08 03:00');
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(1)).toContainText('2026-03-08 23:00');
    await context.close();
    expect(root.errors).toEqual([]);
  });
});

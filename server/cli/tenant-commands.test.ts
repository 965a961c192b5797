import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Database } from '../db/database.ts';
import { verifyPassword } from '../auth/passwords.ts';
import { TenantRepository } from '../tenants/tenant-repository.ts';
import { openTestDatabase } from '../test/test-database.ts';
import { runTenantCommand } from './tenant-commands.ts';

describe('tenant commands', () => {
  let database: Database;
  before(async () => {
    database = await openTestDatabase();
  });
  after(() => database.close());

  test('create makes a tenant and prints a working API key once', async () => {
    const result = await runTenantCommand(['create', 'globex'], database);
    assert.equal(result.code, 0);
    const apiKey = result.output.match(/sbk_\S+/)?.[0];
    assert.ok(apiKey, result.output);
    assert.equal((await new TenantRepository(database).tenantByApiKey(apiKey))?.name, 'globex');
    const again = await runTenantCommand(['create', 'globex'], database);
    assert.equal(again.code, 1);
    assert.match(again.output, /already exists/);
  });

  test('add-user adds a user who can sign in; an existing user is left alone', async () => {
    const result = await runTenantCommand(
      ['add-user', 'globex', 'hank@globex.test', 'supervisor', 'scorpio-rules', 'Hank', 'Scorpio'],
      database,
    );
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /supervisor "Hank Scorpio" <hank@globex.test>.*\/private\/hank/);
    const tenants = new TenantRepository(database);
    const globex = (await tenants.tenantByName('globex'))!;
    const hank = (await tenants.userByReference(globex.id, 'hank@globex.test'))!;
    assert.equal(hank.role, 'supervisor');
    assert.ok(await verifyPassword('scorpio-rules', hank.passwordHash));
    const again = await runTenantCommand(
      ['add-user', 'globex', 'hank@globex.test', 'admin', 'another-password'],
      database,
    );
    assert.equal(again.code, 1);
    assert.match(again.output, /already has a user/);
    assert.equal(
      (await tenants.userByReference(globex.id, 'hank@globex.test'))!.role,
      'supervisor',
    );
  });

  test('usage mistakes exit 2 with the usage text; refusals exit 1', async () => {
    const cases: Array<[string[], number, RegExp]> = [
      [[], 2, /Usage:/],
      [['--help'], 0, /Usage:/],
      [['delete', 'globex'], 2, /unknown command "delete"/],
      [['create'], 2, /exactly one argument/],
      [['create', 'Bad Name'], 2, /lower-case/],
      [['add-user', 'globex', 'x@globex.test'], 2, /needs <tenant> <email> <role> <password>/],
      [['add-user', 'globex', 'x@globex.test', 'owner', 'long-enough'], 2, /role "owner"/],
      [['add-user', 'globex', 'x@globex.test', 'agent', 'short'], 2, /at least 8/],
      [
        ['add-user', 'nowhere', 'x@globex.test', 'agent', 'long-enough'],
        1,
        /no tenant named "nowhere"/,
      ],
    ];
    for (const [args, code, output] of cases) {
      const result = await runTenantCommand(args, database);
      assert.equal(result.code, code, args.join(' '));
      assert.match(result.output, output, args.join(' '));
    }
  });
});

// One real process (opening an embedded database costs seconds): the wrapper reads the same
// configuration as call control, prints to stdout and exits 0; the commands are tested above.
test('npm run tenant works as a process against DATA_DIR', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'switchboard-cli-'));
  try {
    const { stdout } = await promisify(execFile)(
      'npx',
      ['tsx', 'server/cli/tenant.ts', 'create', 'initech'],
      {
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
        env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' },
      },
    );
    assert.match(stdout, /Created tenant "initech"[\s\S]*sbk_/);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

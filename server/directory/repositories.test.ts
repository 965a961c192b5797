/**
 * The repositories and the Directory, run against both storage engines: in-memory PGlite
 * always, PostgreSQL (a throw-away schema) when reachable. Same SQL, same answers.
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase, type Database } from '../db/database.ts';
import { TenantRepository } from '../tenants/tenant-repository.ts';
import { RingGroupRepository } from '../ring-groups/ring-group-repository.ts';
import { DatabaseDirectory } from './database-directory.ts';
import { AppError } from '../shared/errors.ts';
import { DEMO_API_KEY, seedDemo } from '../seed.ts';
import { createPostgresTestSchema, requestJson, startTestServer } from '../test/harness.ts';
import { openTestDatabase } from '../test/test-database.ts';

interface Engine {
  name: string;
  /** Null when the engine is not available here (then every test skips visibly). */
  open(): Promise<{ database: Database; databaseUrl?: string; dispose(): Promise<void> } | null>;
}

const engines: Engine[] = [
  {
    name: 'PGlite',
    async open() {
      const database = await openTestDatabase();
      return { database, dispose: () => database.close() };
    },
  },
  {
    name: 'PostgreSQL',
    async open() {
      const schema = await createPostgresTestSchema();
      if (!schema) return null;
      const database = await openDatabase({ databaseUrl: schema.url });
      return {
        database,
        databaseUrl: schema.url,
        async dispose() {
          await database.close();
          await schema.drop();
        },
      };
    },
  },
];

const settings = { ringTimeoutSeconds: 20, maxWaitSeconds: 600, retryIntervalSeconds: 5 };

for (const engine of engines) {
  describe(`repositories on ${engine.name}`, () => {
    let opened: Awaited<ReturnType<Engine['open']>> = null;
    const check = (name: string, body: (database: Database, t: TestContext) => Promise<void>) =>
      void test(name, async (t) => {
        if (!opened) return t.skip('PostgreSQL not reachable');
        await body(opened.database, t);
      });

    before(async () => {
      opened = await engine.open();
    });
    after(() => opened?.dispose());

    check(
      'tenants: created with a hashed key, found by name and key, names unique',
      async (database) => {
        const tenants = new TenantRepository(database);
        const { tenant, apiKey } = await tenants.createTenant('repo-a');
        assert.match(apiKey, /^sbk_/);
        assert.deepEqual(await tenants.tenantByName('repo-a'), tenant);
        assert.deepEqual(await tenants.tenantByApiKey(apiKey), tenant);
        assert.equal(await tenants.tenantByApiKey(`${apiKey}x`), null);
        const [row] = await database.query<{ api_key_hash: string }>(
          `SELECT api_key_hash FROM tenants WHERE id = $1`,
          [tenant.id],
        );
        assert.notEqual(row.api_key_hash, apiKey);
        await assert.rejects(
          tenants.createTenant('repo-a'),
          (error: AppError) => error.reason === 'conflict',
        );
      },
    );

    check(
      'users: created once per reference, usernames unique per tenant, scoped lookups',
      async (database) => {
        const tenants = new TenantRepository(database);
        const directory = new DatabaseDirectory(database);
        const { tenant: a } = await tenants.createTenant('users-a');
        const { tenant: b } = await tenants.createTenant('users-b');
        const first = await tenants.findOrCreateUser(a.id, {
          reference: 'ada@x.test',
          displayName: 'Ada',
        });
        const again = await tenants.findOrCreateUser(a.id, {
          reference: 'ada@x.test',
          displayName: 'Changed',
          role: 'admin',
        });
        const clash = await tenants.findOrCreateUser(a.id, { reference: 'ada@y.test' });
        const otherTenant = await tenants.findOrCreateUser(b.id, { reference: 'ada@x.test' });
        assert.equal(first.created, true);
        assert.equal(again.created, false);
        assert.deepEqual(again.user, first.user);
        assert.equal(clash.user.username, 'ada-2');
        assert.equal(otherTenant.user.username, 'ada');
        assert.notEqual(otherTenant.user.id, first.user.id);
        assert.deepEqual(await directory.user(a.id, first.user.id), first.user);
        assert.equal(await directory.user(b.id, first.user.id), null);
        assert.deepEqual(await directory.userByUsername(a.id, 'ada-2'), clash.user);
        assert.equal(await directory.userByUsername(b.id, 'ada-2'), null);
        assert.deepEqual(
          (await directory.users(a.id)).map((user) => user.id).sort(),
          [first.user.id, clash.user.id].sort(),
        );
        assert.deepEqual(await directory.tenant(a.id), a);
        assert.equal(await directory.tenant('no-such-tenant'), null);
      },
    );

    check(
      'ring groups: CRUD scoped by tenant, members validated, writes atomic',
      async (database) => {
        const tenants = new TenantRepository(database);
        const groups = new RingGroupRepository(database);
        const directory = new DatabaseDirectory(database);
        const { tenant: a } = await tenants.createTenant('groups-a');
        const { tenant: b } = await tenants.createTenant('groups-b');
        const ada = (await tenants.findOrCreateUser(a.id, { reference: 'ada@g.test' })).user;
        const grace = (await tenants.findOrCreateUser(a.id, { reference: 'grace@g.test' })).user;
        const bob = (await tenants.findOrCreateUser(b.id, { reference: 'bob@g.test' })).user;

        const support = await groups.create(a.id, {
          name: 'support',
          memberIds: [grace.id, ada.id],
          ...settings,
        });
        assert.deepEqual(support, {
          id: support.id,
          tenantId: a.id,
          name: 'support',
          // In the order given (sequential rings so).
          memberIds: [grace.id, ada.id],
          ...settings,
          // The columns' defaults when a create does not say.
          serviceLevelSeconds: 20,
          strategy: 'ring-all',
          overflow: null,
          businessHours: null,
          wrapUpSeconds: 30,
          queueGreeting: null,
          queueMusic: null,
        });
        assert.deepEqual(await directory.ringGroup(a.id, support.id), support);
        assert.deepEqual(await directory.ringGroupByName(a.id, 'support'), support);
        assert.equal(await directory.ringGroup(b.id, support.id), null);
        assert.equal(await directory.ringGroupByName(b.id, 'support'), null);
        assert.deepEqual(await directory.ringGroupsOfUser(a.id, ada.id), [support]);
        assert.deepEqual(await directory.ringGroupsOfUser(b.id, ada.id), []);

        await assert.rejects(
          groups.create(a.id, { name: 'support', memberIds: [], ...settings }),
          (error: AppError) => error.reason === 'conflict',
        );
        await assert.rejects(
          groups.create(a.id, { name: 'poached', memberIds: [ada.id, bob.id], ...settings }),
          (error: AppError) => error.reason === 'bad-request' && error.message.includes(bob.id),
        );
        assert.equal(
          await groups.byName(a.id, 'poached'),
          null,
          'a refused create leaves no group behind',
        );

        const sales = await groups.create(a.id, { name: 'sales', memberIds: [], ...settings });
        await assert.rejects(
          groups.update(a.id, sales.id, { name: 'support', memberIds: [ada.id] }),
          (error: AppError) => error.reason === 'conflict',
        );
        assert.deepEqual(
          await groups.byId(a.id, sales.id),
          sales,
          'a refused update changes nothing',
        );
        const updated = await groups.update(a.id, sales.id, {
          name: 'sales-emea',
          memberIds: [grace.id],
          ringTimeoutSeconds: 9,
        });
        assert.deepEqual(updated, {
          ...sales,
          name: 'sales-emea',
          memberIds: [grace.id],
          ringTimeoutSeconds: 9,
        });
        assert.equal(await groups.update(b.id, sales.id, { name: 'stolen' }), null);
        assert.deepEqual(
          (await groups.list(a.id)).map((group) => group.name),
          ['sales-emea', 'support'],
        );
        assert.deepEqual(await groups.list(b.id), []);
        assert.deepEqual(
          (await directory.ringGroupsOfUser(a.id, grace.id)).map((group) => group.name),
          ['sales-emea', 'support'],
        );

        assert.equal(await groups.delete(b.id, sales.id), false);
        assert.equal(await groups.delete(a.id, sales.id), true);
        assert.equal(await groups.byId(a.id, sales.id), null);
      },
    );

    check('seedDemo seeds an empty database once and never again', async (database, t) => {
      // This database already has tenants from the tests above: nothing is seeded.
      assert.deepEqual(await seedDemo(database), { seeded: false, demoAvailable: false });
      const fresh = engine.name === 'PGlite' ? await openTestDatabase() : database;
      if (fresh === database) {
        await database.query(`DELETE FROM tenants`);
      } else {
        t.after(() => fresh.close());
      }
      assert.deepEqual(await seedDemo(fresh), { seeded: true, demoAvailable: true });
      assert.deepEqual(await seedDemo(fresh), { seeded: false, demoAvailable: true });
      const tenants = new TenantRepository(fresh);
      const directory = new DatabaseDirectory(fresh);
      const demo = (await tenants.tenantByApiKey(DEMO_API_KEY))!;
      assert.equal(demo.name, 'demo');
      const people = await directory.users(demo.id);
      assert.equal(people.length, 6);
      const support = (await directory.ringGroupByName(demo.id, 'support'))!;
      const agents = people.filter((person) => person.role === 'agent').map((person) => person.id);
      assert.deepEqual([...support.memberIds].sort(), agents.sort());
      const acme = (await tenants.tenantByName('acme'))!;
      assert.equal((await directory.ringGroupByName(acme.id, 'sales'))!.memberIds.length, 1);
      assert.equal((await tenants.userByReference(demo.id, 'sam@demo.test'))!.role, 'supervisor');
    });

    check('the HTTP API works end to end on this engine', async () => {
      const server = await startTestServer(
        opened!.databaseUrl ? { databaseUrl: opened!.databaseUrl } : {},
      );
      try {
        const ada = await server.createAgent(`ada-${engine.name}@t.test`);
        const created = await requestJson(server.url, 'POST', '/api/ring-groups', {
          token: server.apiKey,
          body: { name: 'http-check', members: [ada.user.id] },
        });
        assert.equal(created.status, 201);
        const patched = await requestJson(
          server.url,
          'PATCH',
          `/api/ring-groups/${created.body.id}`,
          {
            token: server.apiKey,
            body: { members: [] },
          },
        );
        assert.deepEqual(patched.body.members, []);
        const me = await requestJson(server.url, 'GET', '/api/auth/me', { token: ada.token });
        assert.equal(me.body.tenant.id, server.tenant.id);
      } finally {
        await server.close();
      }
    });
  });
}

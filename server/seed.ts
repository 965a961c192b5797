/**
 * Demo data for a first run: two tenants, a handful of agents, one ring group each, so a new
 * developer can sign in and place a group call within a minute. Seeds only an empty database
 * (no tenants at all), so it never touches real data; the demo API key is fixed and public,
 * which is why production tenants are created with the CLI instead.
 */
import type { Database } from './db/database.ts';
import type { Role } from './auth/tokens.ts';
import { TenantRepository } from './tenants/tenant-repository.ts';
import { RingGroupRepository } from './ring-groups/ring-group-repository.ts';

export const DEMO_API_KEY = 'sbk_demo_switchboard_local_only';
export const DEMO_PASSWORD = 'switchboard';

interface DemoUser {
  email: string;
  name: string;
  role: Role;
}

interface DemoTenant {
  name: string;
  apiKey?: string;
  users: DemoUser[];
  ringGroup: { name: string; memberRole: Role };
}

export const DEMO_TENANTS: DemoTenant[] = [
  {
    name: 'demo',
    apiKey: DEMO_API_KEY,
    users: [
      { email: 'sam@demo.test', name: 'Sam Supervisor', role: 'supervisor' },
      { email: 'admin@demo.test', name: 'Demo Admin', role: 'admin' },
      { email: 'ada@demo.test', name: 'Ada Lovelace', role: 'agent' },
      { email: 'grace@demo.test', name: 'Grace Hopper', role: 'agent' },
      { email: 'alan@demo.test', name: 'Alan Turing', role: 'agent' },
      { email: 'katherine@demo.test', name: 'Katherine Johnson', role: 'agent' },
    ],
    ringGroup: { name: 'support', memberRole: 'agent' },
  },
  {
    name: 'acme',
    users: [{ email: 'wile@acme.test', name: 'Wile E. Coyote', role: 'agent' }],
    ringGroup: { name: 'sales', memberRole: 'agent' },
  },
];

export interface SeedResult {
  /** False when the database already had tenants and nothing was written. */
  seeded: boolean;
  /** Whether the demo tenant (with the public demo key) exists now, seeded or not. */
  demoAvailable: boolean;
}

export async function seedDemo(database: Database): Promise<SeedResult> {
  const tenants = new TenantRepository(database);
  const ringGroups = new RingGroupRepository(database);
  const [{ count }] = await database.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM tenants`,
  );
  if (Number(count) > 0) {
    return { seeded: false, demoAvailable: (await tenants.tenantByApiKey(DEMO_API_KEY)) !== null };
  }
  for (const demo of DEMO_TENANTS) {
    const { tenant } = await tenants.createTenant(demo.name, demo.apiKey);
    const memberIds: string[] = [];
    for (const person of demo.users) {
      const { user } = await tenants.findOrCreateUser(tenant.id, {
        reference: person.email,
        displayName: person.name,
        role: person.role,
        password: DEMO_PASSWORD,
      });
      if (person.role === demo.ringGroup.memberRole) memberIds.push(user.id);
    }
    await ringGroups.create(tenant.id, {
      name: demo.ringGroup.name,
      memberIds,
      ringTimeoutSeconds: 20,
      maxWaitSeconds: 600,
      retryIntervalSeconds: 5,
    });
  }
  return { seeded: true, demoAvailable: true };
}

/** The block printed at every start while the demo tenant exists. */
export function demoBanner(consoleUrl: string, apiUrl: string): string {
  const width = Math.max(
    ...DEMO_TENANTS.flatMap((tenant) => tenant.users.map((user) => user.email.length)),
  );
  const lines = [
    '',
    '──────────────── Switchboard demo ────────────────',
    `Console:  ${consoleUrl}`,
    `API docs: ${apiUrl}/api/docs`,
    '',
    'Sign in with (password for everyone: switchboard)',
    ...DEMO_TENANTS.flatMap((tenant) =>
      tenant.users.map(
        (user) =>
          `  tenant ${tenant.name.padEnd(5)}  email ${user.email.padEnd(width)}  ${user.role}`,
      ),
    ),
    '',
    `Ring groups: /group/support (demo agents), /group/sales (acme)`,
    `Demo API key (tenant demo, local use only): ${DEMO_API_KEY}`,
    '',
    'Try the API:',
    `  curl -s -X POST ${apiUrl}/api/subscribers/tokens \\`,
    `    -H 'Authorization: Bearer ${DEMO_API_KEY}' -H 'Content-Type: application/json' \\`,
    `    -d '{"reference":"ada@demo.test"}'`,
    '──────────────────────────────────────────────────',
    '',
  ];
  return lines.join('\n');
}

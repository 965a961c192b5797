/**
 * The tenant administration commands behind `npm run tenant -- …`, separated from the process
 * wrapper so tests run them against an in-memory database and read what they print.
 */
import type { Database } from '../db/database.ts';
import { isRole } from '../auth/tokens.ts';
import { TenantRepository } from '../tenants/tenant-repository.ts';
import { privateAddress } from '../directory/directory.ts';
import { AppError } from '../shared/errors.ts';

export const USAGE = `Usage:
  npm run tenant -- create <name>
      Creates a tenant and prints its API key (shown once; store it safely).
  npm run tenant -- add-user <tenant> <email> <role> <password> [display name]
      Adds a user who signs in with <email> and <password>. <role> is agent, supervisor or admin.

The database is the one call control uses: DATABASE_URL, or the embedded one in DATA_DIR
(stop call control first when using the embedded database: only one process may open it).`;

/** 0 done, 1 refused (exists, unknown tenant), 2 wrong usage. */
export interface CommandResult {
  code: 0 | 1 | 2;
  output: string;
}

const TENANT_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const MIN_PASSWORD_LENGTH = 8;

const usageError = (message: string): CommandResult => ({
  code: 2,
  output: `error: ${message}\n\n${USAGE}`,
});
const refused = (message: string): CommandResult => ({ code: 1, output: `error: ${message}` });

const COMMANDS = new Set(['create', 'add-user']);

/** Usage problems found without touching the database, so `--help` is instant. */
export function checkUsage(args: string[]): CommandResult | null {
  const [command] = args;
  if (command === undefined) return { code: 2, output: USAGE };
  if (command === 'help' || command === '--help' || command === '-h')
    return { code: 0, output: USAGE };
  if (!COMMANDS.has(command)) return usageError(`unknown command "${command}"`);
  return null;
}

export async function runTenantCommand(args: string[], database: Database): Promise<CommandResult> {
  const usage = checkUsage(args);
  if (usage) return usage;
  const [command, ...rest] = args;
  const tenants = new TenantRepository(database);
  return command === 'create' ? createTenant(tenants, rest) : addUser(tenants, rest);
}

async function createTenant(tenants: TenantRepository, args: string[]): Promise<CommandResult> {
  if (args.length !== 1) return usageError('create takes exactly one argument, the tenant name');
  const name = args[0];
  if (!TENANT_NAME.test(name)) {
    return usageError(
      `tenant name "${name}" must be lower-case letters, digits, ".", "_" or "-" (at most 63)`,
    );
  }
  try {
    const { tenant, apiKey } = await tenants.createTenant(name);
    return {
      code: 0,
      output: [
        `Created tenant "${tenant.name}" (id ${tenant.id}).`,
        `API key (shown only now; store it safely):`,
        `  ${apiKey}`,
      ].join('\n'),
    };
  } catch (error) {
    if (error instanceof AppError) return refused(error.message);
    throw error;
  }
}

async function addUser(tenants: TenantRepository, args: string[]): Promise<CommandResult> {
  if (args.length < 4) return usageError('add-user needs <tenant> <email> <role> <password>');
  const [tenantName, email, role, password, ...nameParts] = args as [
    string,
    string,
    string,
    string,
    ...string[],
  ];
  if (!isRole(role)) return usageError(`role "${role}" must be agent, supervisor or admin`);
  if (password.length < MIN_PASSWORD_LENGTH)
    return usageError(`password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  const tenant = await tenants.tenantByName(tenantName);
  if (!tenant) return refused(`no tenant named "${tenantName}"`);
  const displayName = nameParts.join(' ').trim() || email;
  const { user, created } = await tenants.findOrCreateUser(tenant.id, {
    reference: email,
    displayName,
    role,
    password,
  });
  if (!created)
    return refused(`tenant "${tenantName}" already has a user "${email}"; nothing changed`);
  return {
    code: 0,
    output: `Added ${user.role} "${user.displayName}" <${user.reference}> to tenant "${tenantName}", dialable at ${privateAddress(user.username)}.`,
  };
}

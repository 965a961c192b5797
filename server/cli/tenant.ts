/**
 * `npm run tenant -- <command>`: tenant administration from a shell, against the same
 * database call control uses. See USAGE in tenant-commands.ts.
 */
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { checkUsage, runTenantCommand, type CommandResult } from './tenant-commands.ts';

function report(result: CommandResult): void {
  (result.code === 0 ? console.log : console.error)(result.output);
}

let exitCode = 1;
const usage = checkUsage(process.argv.slice(2));
if (usage) {
  report(usage);
  process.exit(usage.code);
}
try {
  const config = loadConfig();
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir === 'memory' ? undefined : config.dataDir,
  });
  try {
    const result = await runTenantCommand(process.argv.slice(2), database);
    report(result);
    exitCode = result.code;
  } finally {
    await database.close();
  }
} catch (error) {
  console.error(`error: ${(error as Error).message}`);
}
process.exit(exitCode);

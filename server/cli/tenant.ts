/**
 * `npm run tenant -- <command>`: tenant administration from a shell, against the same
 * database call control uses. See USAGE in tenant-commands.ts.
 */
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { runTenantCommand } from './tenant-commands.ts';

let exitCode = 1;
try {
  const config = loadConfig();
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir === 'memory' ? undefined : config.dataDir,
  });
  try {
    const result = await runTenantCommand(process.argv.slice(2), database);
    (result.code === 0 ? console.log : console.error)(result.output);
    exitCode = result.code;
  } finally {
    await database.close();
  }
} catch (error) {
  console.error(`error: ${(error as Error).message}`);
}
process.exit(exitCode);

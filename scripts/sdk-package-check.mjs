// Checks on the built SDK package (dist/telephony) that the workspace's own tests cannot see,
// since the console compiles the SDK's sources: that the package is self-contained, loads, and
// gives an app that installs it the types it documents. Used by `npm run build:sdk -- --check`.
import { spawn } from 'node:child_process';
import { cp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');

/** The runtime exports of src/public-api.ts; everything else it exports is a type. */
const runtimeExports = [
  'Call',
  'Session',
  'TelephonyClient',
  'TelephonyError',
  'TypedEmitter',
  'connect',
  'createHoldAudio',
  'errorReason',
  'fromEmitterEvent',
];

/** Resolves to [check name, problem or undefined] for each check. */
export async function checkPackage(dest) {
  const manifest = JSON.parse(await readFile(join(dest, 'package.json'), 'utf8'));
  const bundle = join(dest, manifest.exports['.'].default);
  const types = join(dest, manifest.exports['.'].types);
  return [
    [
      'the bundle imports nothing but rxjs (no Angular, NgRx or TypeBox at run time)',
      onlyImports(await readFile(bundle, 'utf8'), ['rxjs', 'tslib']),
    ],
    [
      'the bundled types import nothing but rxjs and typebox (the peer dependencies)',
      onlyImports(await readFile(types, 'utf8'), ['rxjs', 'typebox']),
    ],
    ['the package loads and exports the SDK', await loads(bundle)],
    ['an app type-checks against the installed package', await typeChecksAnApp(dest, types)],
  ];
}

function onlyImports(code, allowed) {
  const specifiers = [
    ...code.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]/g),
  ]
    .map((match) => match[1])
    .concat([...code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((match) => match[1]));
  const others = [...new Set(specifiers.filter((specifier) => !allowed.includes(specifier)))];
  return others.length ? `also imports ${others.join(', ')}` : undefined;
}

async function loads(bundle) {
  try {
    const sdk = await import(pathToFileURL(bundle).href);
    const missing = runtimeExports.filter((name) => sdk[name] === undefined);
    if (missing.length) return `missing exports: ${missing.join(', ')}`;
    const error = new sdk.TelephonyError('not-found', 'no such address');
    if (!(error instanceof Error) || sdk.errorReason(error) !== 'not-found') {
      return 'TelephonyError/errorReason do not behave as documented';
    }
    return undefined;
  } catch (error) {
    return `import failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

// The README's example, as an app outside this workspace would write it. The @ts-expect-error
// lines make sure the types are real: if they were `any`, tsc would report the unused directive.
const app = `import {
  connect,
  errorReason,
  TelephonyError,
  type Call,
  type CallView,
  type ConnectionState,
  type Presence,
} from '@switchboard/telephony';

export async function embed(token: string, expiresAt: number): Promise<void> {
  const client = connect(token, { expiresAt });
  client.connectionState$.subscribe((state: ConnectionState) => console.log(state));
  await client.session.online();
  await client.session.setPresence('away');
  client.session.incomingCalls$.subscribe((calls: readonly Call[]) => {
    for (const call of calls) if (call.status === 'ringing') void call.answer();
  });
  try {
    const call = await client.session.dial('/group/support', { media: { audio: true, video: false } });
    call.status$.subscribe((status) => console.log(call.id, status));
    await call.hangup();
  } catch (error) {
    if (error instanceof TelephonyError) console.log(error.reason, errorReason(error));
  }
  const presence: Presence = 'available';
  const view: Pick<CallView, 'id'> = { id: 'c1' };
  console.log(presence, view);
  // @ts-expect-error dial takes an address string
  await client.session.dial(42);
  // @ts-expect-error not a presence an agent may choose
  await client.session.setPresence('busy');
}
`;

async function typeChecksAnApp(dest, types) {
  const dir = join(root, 'tmp/sdk-consumer');
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'node_modules/@switchboard'), { recursive: true });
  await symlink(dest, join(dir, 'node_modules/@switchboard/telephony'), 'dir');
  await writeFile(join(dir, 'app.ts'), app);
  // The package's own declarations are checked too, as a source file: skipLibCheck then spares
  // only rxjs's and TypeBox's (checking TypeBox's costs about 20 s of CPU, ours about 1 s).
  await cp(types, join(dir, 'package-types.ts'));
  await writeFile(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        target: 'ES2022',
        module: 'preserve',
        moduleResolution: 'bundler',
        lib: ['ES2022', 'DOM'],
        types: [],
        noEmit: true,
        skipLibCheck: true,
      },
      files: ['app.ts', 'package-types.ts'],
    }),
  );
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const { code, output } = await run(process.execPath, [tsc, '-p', dir, '--pretty', 'false']);
  return code === 0 ? undefined : `tsc failed:\n${output}`;
}

function run(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => resolve({ code, output: output.trim() }));
  });
}

// `npm run build:sdk`: builds the browser telephony SDK (projects/telephony) with ng-packagr into
// dist/telephony, an npm package in the Angular Package Format (ES2022 FESM, one bundled .d.ts).
//
// Why a staging copy: the SDK's types come from protocol/session-protocol.ts, the file the
// server validates every frame against, which lives outside the library's folder; ng-packagr
// compiles only what is under the entry point's folder (its rootDir), and a package must carry
// every type it exposes. So the library is copied to tmp/sdk-package with that one file in place
// of src/protocol.ts (which, in the workspace, only re-exports it), then built from there.
// The console never uses dist/: it compiles the SDK's sources through the tsconfig path alias.
//
// `--check` (used by `npm test`'s "sdk" suite): also checks what was built, prints
// "sdk: N passed, N failed" and exits non-zero on a failure.
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { ngPackagr } from 'ng-packagr';

const root = join(import.meta.dirname, '..');
const library = join(root, 'projects/telephony');
const staging = join(root, 'tmp/sdk-package');
const dest = join(root, 'dist/telephony');
const check = process.argv.includes('--check');

const started = Date.now();
await rm(staging, { recursive: true, force: true });
await mkdir(staging, { recursive: true });
for (const file of ['src', 'README.md', 'package.json', 'tsconfig.lib.json']) {
  await cp(join(library, file), join(staging, file), {
    recursive: true,
    // Specs are not part of the package.
    filter: (source) => !source.endsWith('.spec.ts'),
  });
}
// The protocol itself in place of the re-export; it imports only typebox (a peer dependency).
await cp(join(root, 'protocol/session-protocol.ts'), join(staging, 'src/protocol.ts'));
// The staged tsconfig extends the root one from two folders deeper; its rootDir is the copy.
const tsconfig = JSON.parse(
  stripComments(await readFile(join(staging, 'tsconfig.lib.json'), 'utf8')),
);
tsconfig.extends = join(root, 'tsconfig.json');
tsconfig.compilerOptions.rootDir = '.';
tsconfig.compilerOptions.outDir = join(root, 'out-tsc/telephony');
// Partial compilation is what a published library ships (there is no Angular code in it anyway).
tsconfig.angularCompilerOptions = { compilationMode: 'partial' };
await writeFile(join(staging, 'tsconfig.lib.json'), JSON.stringify(tsconfig, null, 2));
await writeFile(
  join(staging, 'ng-package.json'),
  JSON.stringify(
    { dest: relative(staging, dest), lib: { entryFile: 'src/public-api.ts' } },
    null,
    2,
  ),
);

let failed = 0;
let passed = 0;
try {
  await ngPackagr()
    .forProject(join(staging, 'ng-package.json'))
    .withTsConfig(join(staging, 'tsconfig.lib.json'))
    .build();
  passed++;
  console.log(
    `✔ ng-packagr built dist/telephony (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
} catch (error) {
  failed++;
  console.log(`✖ ng-packagr failed: ${error instanceof Error ? error.message : String(error)}`);
}

if (check && failed === 0) {
  const { checkPackage } = await import('./sdk-package-check.mjs');
  for (const [name, problem] of await checkPackage(dest)) {
    if (problem) {
      failed++;
      console.log(`✖ ${name}: ${problem}`);
    } else {
      passed++;
      console.log(`✔ ${name}`);
    }
  }
}
if (check) console.log(`sdk: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);

/** tsconfig files allow comments; JSON.parse does not. Strips whole-line and block comments. */
function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

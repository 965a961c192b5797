// `npm run lint`: Prettier's formatting check over the repository, then ESLint (eslint.config.js)
// on each part with its own TypeScript program: call control with its tools and scripts, the
// e2e tests and benches, the console. One after the other (each builds a type-checked program,
// which is what costs), each printed as it finishes, then one line "lint: N passed, N failed"
// (one per target) that `npm test`'s "lint" suite reads. `npm run lint -- server` runs one target.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const prettier = require.resolve('prettier/bin/prettier.cjs');
// eslint's package exports no bin path: find its folder through package.json.
const eslint = join(dirname(require.resolve('eslint/package.json')), 'bin/eslint.js');

const targets = [
  {
    name: 'format',
    command: [
      prettier,
      '--check',
      '--log-level',
      'warn',
      '{src,server,e2e,projects}/**/*.{ts,html,scss}',
    ],
  },
  { name: 'server', command: [eslint, 'server', 'tools', 'scripts', 'protocol'] },
  { name: 'e2e', command: [eslint, 'e2e', 'playwright.config.ts'] },
  { name: 'console', command: [eslint, 'src', 'projects'] },
];
const only = process.argv.slice(2);

function run(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => resolve({ code, output: output.trim() }));
  });
}

let passed = 0;
let failed = 0;
for (const target of targets) {
  if (only.length && !only.includes(target.name)) continue;
  const started = Date.now();
  const { code, output } = await run(target.command);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (code === 0) {
    passed++;
    console.log(`✔ ${target.name} (${seconds} s)`);
  } else {
    failed++;
    console.log(`✖ ${target.name} (${seconds} s)`);
    console.log(output);
  }
}
console.log(`lint: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);

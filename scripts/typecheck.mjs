// `npm run typecheck`: type checks for everything that no build compiles with types (tsx and
// Playwright strip them, so a type error would otherwise pass CI): call control, tools and
// server benches (server/tsconfig.json), the e2e tests and browser benches (e2e/tsconfig.json),
// the console's specs (tsconfig.spec.json; `ng build` checks the app itself). One after the
// other, each printed as it finishes, then one line "types: N passed, N failed" (one per project).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const projects = [
  { name: 'server', tsconfig: 'server/tsconfig.json' },
  { name: 'e2e', tsconfig: 'e2e/tsconfig.json' },
  { name: 'console specs', tsconfig: 'tsconfig.spec.json' },
];
const only = process.argv.slice(2);

function check({ tsconfig }) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsc, '-p', tsconfig, '--noEmit', '--pretty', 'false'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => resolve({ code, output: output.trim() }));
  });
}

let passed = 0;
let failed = 0;
for (const project of projects) {
  if (only.length && !only.includes(project.name)) continue;
  const started = Date.now();
  const { code, output } = await check(project);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (code === 0) {
    passed++;
    console.log(`✔ ${project.name} (${project.tsconfig}, ${seconds} s)`);
  } else {
    failed++;
    const errors = output.split('\n').filter((line) => /error TS\d+/.test(line)).length;
    console.log(`✖ ${project.name} (${project.tsconfig}, ${seconds} s): ${errors} errors`);
    console.log(output);
  }
}
console.log(`types: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);

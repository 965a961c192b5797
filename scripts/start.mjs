// `npm start`: call control (with the embedded media server and the demo seed) plus the
// console dev server (`ng serve`, proxying /api to call control). One Ctrl-C stops both.
//
// Call control prints the banner (where to sign in, the demo sign-ins) as soon as it listens,
// long before `ng serve` has built the console, whose output would scroll it away. So both
// children's output passes through here: the banner is kept, and printed again once the console
// answers and its build output has gone quiet, so it is the last thing a newcomer sees.
import { spawn } from 'node:child_process';
import { get } from 'node:http';
import { createInterface } from 'node:readline';

const apiPort = process.env.PORT ?? '3000';
const consolePort = process.env.CONSOLE_PORT ?? '4200';
const children = [];

function run(name, command, args, env = {}) {
  // Each child leads its own process group: `npx` does not pass SIGTERM on to what it started,
  // so stopping kills the whole group (npx, tsx, node; ng and its workers) rather than orphaning it.
  const child = spawn(command, args, {
    stdio: ['inherit', 'pipe', 'inherit'],
    // Piped output is no terminal: keep the colours the children would have used on this one.
    env: { ...process.env, ...(process.stdout.isTTY ? { FORCE_COLOR: '1' } : {}), ...env },
    detached: true,
  });
  child.stdout.pipe(process.stdout);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[start] ${name} exited (${signal ?? code}); stopping everything.`);
      stop(code ?? 1);
    }
  });
  children.push(child);
  return child;
}

let stopping = false;
function stop(code = 0) {
  stopping = true;
  for (const child of children) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // The group is already gone.
    }
  }
  setTimeout(() => process.exit(code), 1500).unref();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

const callControl = run('call control', 'npx', ['tsx', 'server/main.ts'], {
  PORT: apiPort,
  CONSOLE_URL: process.env.CONSOLE_URL ?? `http://localhost:${consolePort}`,
});
// angular.json's proxy (proxy.conf.mjs) sends /api to call control at CALL_CONTROL_URL.
const consoleServer = run('console', 'npx', ['ng', 'serve', '--port', consolePort], {
  NG_CLI_ANALYTICS: 'false',
  CALL_CONTROL_URL: `http://127.0.0.1:${apiPort}`,
  // ng serve would take call control's PORT as its own and clash with it.
  PORT: undefined,
});

/** Call control's banner, from its title line to its closing rule (empty without demo data). */
const banner = [];
let bannerComplete = false;
createInterface({ input: callControl.stdout }).on('line', (line) => {
  if (bannerComplete) return;
  if (banner.length === 0 && !line.includes('Switchboard demo')) return;
  banner.push(line);
  if (banner.length > 1 && /^─+$/.test(line)) bannerComplete = true;
});

let lastConsoleOutput = Date.now();
consoleServer.stdout.on('data', () => (lastConsoleOutput = Date.now()));

/** Whether `ng serve` answers (it listens only once its first build is done). */
function consoleAnswers() {
  return new Promise((resolve) => {
    const request = get(`http://localhost:${consolePort}/`, (response) => {
      response.resume();
      resolve(true);
    });
    request.on('error', () => resolve(false));
    request.setTimeout(2_000, () => request.destroy());
  });
}

const QUIET_MS = 1_500;
const readiness = setInterval(async () => {
  if (stopping) return clearInterval(readiness);
  if (Date.now() - lastConsoleOutput < QUIET_MS || !(await consoleAnswers())) return;
  if (Date.now() - lastConsoleOutput < QUIET_MS || stopping) return;
  clearInterval(readiness);
  const consoleUrl = process.env.CONSOLE_URL ?? `http://localhost:${consolePort}`;
  console.log(`\n[start] Ready. Open the console at ${consoleUrl}/ (Ctrl-C stops everything).`);
  if (bannerComplete) console.log(banner.join('\n'));
}, 500);

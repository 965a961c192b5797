// `npm start`: call control (with the embedded media server and the demo seed) plus the
// console dev server (`ng serve`, proxying /api to call control). One Ctrl-C stops both.
import { spawn } from 'node:child_process';

const apiPort = process.env.PORT ?? '3000';
const consolePort = process.env.CONSOLE_PORT ?? '4200';
const children = [];

function run(name, command, args, env = {}) {
  // Each child leads its own process group: `npx` does not pass SIGTERM on to what it started,
  // so stopping kills the whole group (npx, tsx, node; ng and its workers) rather than orphaning it.
  const child = spawn(command, args, {
    stdio: 'inherit',
    env: { ...process.env, ...env },
    detached: true,
  });
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

run('call control', 'npx', ['tsx', 'server/main.ts'], {
  PORT: apiPort,
  CONSOLE_URL: process.env.CONSOLE_URL ?? `http://localhost:${consolePort}`,
});
// angular.json's proxy (proxy.conf.mjs) sends /api to call control at CALL_CONTROL_URL.
run('console', 'npx', ['ng', 'serve', '--port', consolePort], {
  NG_CLI_ANALYTICS: 'false',
  CALL_CONTROL_URL: `http://127.0.0.1:${apiPort}`,
  // ng serve would take call control's PORT as its own and clash with it.
  PORT: undefined,
});

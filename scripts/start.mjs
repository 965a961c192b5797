// `npm start`: call control (with the embedded media server and the demo seed) plus the
// console dev server (`ng serve`, proxying /api to call control). One Ctrl-C stops both.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

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
/** proxy.conf.json points at call control's default port; another PORT gets its own copy. */
function proxyConfig() {
  if (apiPort === '3000') return 'proxy.conf.json';
  const config = JSON.parse(readFileSync('proxy.conf.json', 'utf8'));
  for (const route of Object.values(config)) route.target = `http://127.0.0.1:${apiPort}`;
  mkdirSync('.angular', { recursive: true });
  writeFileSync(`.angular/proxy.${apiPort}.json`, JSON.stringify(config, null, 2));
  return `.angular/proxy.${apiPort}.json`;
}

run('console', 'npx', ['ng', 'serve', '--port', consolePort, '--proxy-config', proxyConfig()], {
  NG_CLI_ANALYTICS: 'false',
  // ng serve would take call control's PORT as its own and clash with it.
  PORT: undefined,
});

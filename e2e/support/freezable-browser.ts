import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { chromiumFlags, chromiumPath } from './chromium-flags';

/**
 * A Chromium whose pages Chrome can really freeze. Playwright emulates focus on every page it
 * opens (Emulation.setFocusEmulationEnabled), which keeps the page visible, and Chrome ignores
 * `Page.setWebLifecycleState {state: 'frozen'}` for a visible page: no `freeze` event, timers
 * run on. This browser is started by hand and attached over CDP with `noDefaults`, so pages of
 * its default context are left as a real browser's background tab would be.
 */
export async function launchFreezableBrowser(): Promise<{
  browser: Browser;
  close(): Promise<void>;
}> {
  const profile = await mkdtemp(path.join(tmpdir(), 'switchboard-freezable-'));
  const child = spawn(
    chromiumPath,
    [
      '--headless',
      ...chromiumFlags,
      `--user-data-dir=${profile}`,
      '--remote-debugging-port=0',
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = await new Promise<string>((resolve, reject) => {
    let printed = '';
    const timer = setTimeout(
      () => reject(new Error(`Chromium did not start:\n${printed}`)),
      30_000,
    );
    child.stderr.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(printed);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', () => reject(new Error(`Chromium exited at start:\n${printed}`)));
  });
  const browser = await chromium.connectOverCDP(endpoint, { noDefaults: true });
  return {
    browser,
    close: async () => {
      await browser.close().catch(() => undefined);
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      await rm(profile, { recursive: true, force: true });
    },
  };
}

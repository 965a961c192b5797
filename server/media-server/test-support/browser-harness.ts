import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from '@playwright/test';
import { build } from 'esbuild';
import type { PageApi } from './page-entry.ts';

import { chromiumFlags, chromiumPath } from '../../../e2e/support/chromium-flags.ts';

export { waitFor } from './wait.ts';

/**
 * Headless Chromium (the system one: tests never download browsers) serving a bundled page
 * that runs the real livekit-client. Each `openPage()` is an isolated browser context.
 */
export class BrowserHarness {
  private constructor(
    private readonly browser: Browser,
    private readonly server: Server,
    readonly pageUrl: string,
  ) {}

  static async start(): Promise<BrowserHarness> {
    const bundle = await build({
      entryPoints: [fileURLToPath(new URL('./page-entry.ts', import.meta.url))],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'chrome120',
      write: false,
      logLevel: 'silent',
    });
    const script = bundle.outputFiles[0].contents;
    const server = createServer((request, response) => {
      if (request.url === '/page.js') {
        response.writeHead(200, { 'Content-Type': 'text/javascript' });
        response.end(script);
        return;
      }
      response.writeHead(200, { 'Content-Type': 'text/html' });
      response.end('<!doctype html><html><body><script src="/page.js"></script></body></html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: chromiumFlags,
    });
    return new BrowserHarness(browser, server, `http://127.0.0.1:${port}/`);
  }

  async openPage(): Promise<LivekitPage> {
    const context = await this.browser.newContext();
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error('[page error]', error.message));
    await page.goto(this.pageUrl);
    await page.waitForFunction(() => 'lk' in window);
    return new LivekitPage(page);
  }

  async close(): Promise<void> {
    await this.browser.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

type Api = PageApi;

/** Typed calls into the page's `window.lk`. */
export class LivekitPage {
  /** Uncaught errors and console errors of the page (livekit-client logs failed negotiations there). */
  readonly errors: string[] = [];

  constructor(readonly page: Page) {
    page.on('pageerror', (error) => this.errors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') this.errors.push(message.text());
    });
  }

  call<K extends keyof Api>(
    name: K,
    ...args: Parameters<Api[K]>
  ): Promise<Awaited<ReturnType<Api[K]>>> {
    return this.page.evaluate(
      ([fn, fnArgs]) => {
        const lk = (window as unknown as { lk: Record<string, (...a: unknown[]) => unknown> }).lk;
        return lk[fn as string](...(fnArgs as unknown[]));
      },
      [name, args] as const,
    ) as Promise<Awaited<ReturnType<Api[K]>>>;
  }

  async close(): Promise<void> {
    await this.page.context().close();
  }
}

import {
  expect,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Locator,
  type Page,
} from '@playwright/test';

export const DEMO_TENANT = 'demo';
export const DEMO_PASSWORD = 'switchboard';

/**
 * One browser tab of the console, driven the way a person would: labels, roles and visible
 * text only, never the store or component internals.
 */
export class AgentConsole {
  /** Uncaught errors and console errors (NgRx runtime checks report there); none are expected. */
  readonly errors: string[] = [];

  constructor(readonly page: Page) {
    page.on('pageerror', (error) => this.errors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      // A socket cut by a closing context is not an application error.
      if (message.type() === 'error' && !/WebSocket|net::ERR_/.test(message.text()))
        this.errors.push(message.text());
    });
  }

  /** A fresh browser context (its own storage, like another person's machine), signed in. */
  static async signIn(
    browser: Browser,
    email: string,
    tenant = DEMO_TENANT,
    contextOptions: BrowserContextOptions = {},
  ): Promise<AgentConsole> {
    const context = await browser.newContext(contextOptions);
    return AgentConsole.signInTab(context, email, tenant);
  }

  /** Another tab in an existing context: each tab signs in and registers on its own. */
  static async signInTab(
    context: BrowserContext,
    email: string,
    tenant = DEMO_TENANT,
  ): Promise<AgentConsole> {
    const page = await context.newPage();
    const agent = new AgentConsole(page);
    await page.goto('/sign-in');
    await page.getByLabel('Tenant').fill(tenant);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('switch', { name: 'Come online' })).toBeVisible();
    await expect(page.locator('.connection[data-state="online"]').first()).toBeVisible();
    return agent;
  }

  async comeOnline(): Promise<void> {
    await this.page.getByRole('switch', { name: 'Come online' }).click();
    await expect(this.page.getByText('Online: calls ring here')).toBeVisible();
  }

  /** The queue card of a call from `callerName` (ringing, or ended and about to leave). */
  card(callerName: string): Locator {
    return this.page.locator('app-ringing-card').filter({ hasText: callerName });
  }

  ringingCards(): Locator {
    return this.page.locator('app-ringing-card:not(.ended)');
  }

  activeCall(): Locator {
    return this.page.locator('app-active-call-panel .active-call');
  }

  async dial(address: string): Promise<void> {
    await this.page.getByLabel('Address').fill(address);
    await this.page.getByRole('button', { name: 'Call', exact: true }).click();
  }

  /** The caller's view of the call it placed: its status or, once over, its outcome. */
  outgoingStatus(): Locator {
    return this.page.locator('app-dial-box .outgoing-status');
  }

  outgoingHangUp(): Locator {
    return this.page.locator('app-dial-box').getByRole('button', { name: 'Hang up' });
  }

  /** Closes this tab's browser context, failing the test if the page logged any error. */
  async close(): Promise<void> {
    await this.page.context().close();
    expect(this.errors, `errors in ${this.page.url()}`).toEqual([]);
  }
}

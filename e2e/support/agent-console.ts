import {
  expect,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Locator,
  type Page,
} from '@playwright/test';

/** What `window.__switchboardMedia.stats()` reports per call (src/app/media/media-state.ts). */
export interface CallMediaStats {
  callId: string;
  connection: string;
  inbound: {
    video: {
      framesDecoded: number;
      frameWidth: number;
      frameHeight: number;
      bytesReceived: number;
    };
    audio: { bytesReceived: number; packetsReceived: number };
  };
  outbound: { videoBytesSent: number; audioBytesSent: number };
  remoteVideoMuted: boolean;
  remoteMicrophoneMuted: boolean;
}

export const DEMO_TENANT = 'demo';
export const DEMO_PASSWORD = 'switchboard';

/**
 * One browser tab of the console, driven the way a person would: labels, roles and visible
 * text only, never the store or component internals.
 */
export class AgentConsole {
  /** Uncaught errors and console errors (NgRx runtime checks report there); none are expected. */
  readonly errors: string[] = [];
  /**
   * Set once the test closes the tab: what the page logs from then on is the browser tearing
   * down live connections (livekit-client reports its data channels' "User-Initiated Abort" as
   * errors), not the application going wrong.
   */
  private closing = false;

  constructor(readonly page: Page) {
    page.on('pageerror', (error) => {
      if (!this.closing) this.errors.push(`pageerror: ${error.message}`);
    });
    page.on('console', (message) => {
      if (this.closing) return;
      const text = message.text();
      // A socket cut by a closing context is not an application error; a socket (or anything)
      // the Content-Security-Policy refused is.
      if (
        message.type() === 'error' &&
        (/Content Security Policy/.test(text) || !/WebSocket|net::ERR_/.test(text))
      )
        this.errors.push(text);
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

  /**
   * Another tab in an existing context: each tab signs in and registers on its own. `baseUrl`
   * for a context that has none of its own (one attached over CDP).
   */
  static async signInTab(
    context: BrowserContext,
    email: string,
    tenant = DEMO_TENANT,
    baseUrl = '',
  ): Promise<AgentConsole> {
    const page = await context.newPage();
    const agent = new AgentConsole(page);
    // The desk, for every role: supervisors and admins would land on their own pages (#13),
    // a deep link to the desk (`returnUrl`) brings them here.
    await page.goto(`${baseUrl}/sign-in?returnUrl=%2F`);
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
    // Registered: the status line is the online one ("Online: calls ring here", or already
    // "Ringing: …" when a call was waiting for this agent).
    await expect(this.page.locator('app-online-toggle .status.online')).toBeVisible();
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

  /**
   * Opens the active call's transfer dialog and picks a destination by its text; returns the
   * dialog, whose "Transfer now" / "Consult first" buttons finish the job.
   */
  async pickTransferDestination(
    callerName: string,
    search: string,
    option: string,
  ): Promise<Locator> {
    await this.activeCall().getByRole('button', { name: 'Transfer', exact: true }).click();
    const dialog = this.page.getByRole('dialog', { name: `Transfer ${callerName}` });
    await expect(dialog).toBeVisible();
    await dialog.getByLabel('Search agents and groups').fill(search);
    await dialog.getByRole('option').filter({ hasText: option }).first().click();
    await expect(dialog).toContainText(`Transfer to ${option}`);
    return dialog;
  }

  async dial(address: string): Promise<void> {
    await this.page.getByLabel('Address').fill(address);
    await this.page.getByRole('button', { name: 'Call', exact: true }).click();
  }

  /**
   * The caller's panel of the call it placed (in the centre of the console, where an answered
   * call would be).
   */
  callerCall(): Locator {
    return this.page.locator('app-active-call-panel app-caller-call-panel');
  }

  /** The caller's view of the call it placed: its status or, once over, its outcome. */
  outgoingStatus(): Locator {
    return this.callerCall().locator('.outgoing-status');
  }

  outgoingHangUp(): Locator {
    return this.callerCall().getByRole('button', { name: 'Hang up' });
  }

  /** Answer and place calls with the camera on. */
  async turnOnVideoCalls(): Promise<void> {
    const toggle = this.page.getByRole('switch', { name: 'Video calls' });
    await toggle.click();
    await expect(toggle).toBeChecked();
  }

  /** The agent's one bar of call controls: microphone, camera, devices, hold, transfer, hang up. */
  callControls(): Locator {
    return this.page
      .locator('app-active-call-panel')
      .getByRole('group', { name: 'Call controls', exact: true });
  }

  /** The media of this tab's call (the active call panel's, agent or caller). */
  callMedia(): Locator {
    return this.page.locator('app-call-media');
  }

  remoteVideo(): Locator {
    return this.callMedia().locator('video.remote-video');
  }

  localVideo(): Locator {
    return this.callMedia().locator('video.local-video');
  }

  /** RTP figures of this tab's calls, from the console's debug hook (empty: no media). */
  mediaStats(): Promise<CallMediaStats[]> {
    return this.page.evaluate(async () => {
      const hook = (window as { __switchboardMedia?: { stats(): Promise<unknown[]> } })
        .__switchboardMedia;
      return ((await hook?.stats()) ?? []) as CallMediaStats[];
    });
  }

  /** The remote `<video>`'s decoded size and playback quality, read from the element. */
  remoteVideoFrames(): Promise<{ videoWidth: number; totalVideoFrames: number; muted: boolean }> {
    return this.remoteVideo().evaluate((element) => {
      const video = element as HTMLVideoElement;
      return {
        videoWidth: video.videoWidth,
        totalVideoFrames: video.getVideoPlaybackQuality().totalVideoFrames,
        muted: video.muted,
      };
    });
  }

  /** Closes this tab's browser context, failing the test if the page logged any error. */
  async close(): Promise<void> {
    this.closing = true;
    // A page that just goes away keeps its session for SESSION_RELOAD_GRACE_SECONDS (it may be
    // reloading), agent and wrap-up included: signing out ends it at once, so the next test's
    // agent starts afresh, not in this test's wrap-up.
    const signOut = this.page.getByRole('button', { name: 'Sign out' });
    if (!this.page.isClosed() && (await signOut.isVisible())) {
      // A dialog left open by the test would keep the click from the header (at most three).
      for (let i = 0; i < 3 && (await this.page.getByRole('dialog').count()) > 0; i++)
        await this.page.keyboard.press('Escape');
      // The agent's wrap-up outlives this tab while another tab of the same agent, closed by
      // the test, is still in its reload grace: end it, or the next test's agent is not rung.
      const wrapUpDone = this.page
        .locator('app-wrap-up-panel')
        .getByRole('button', { name: 'Done' });
      if (await wrapUpDone.isVisible()) await wrapUpDone.click();
      await signOut.click();
      await expect(this.page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    }
    await this.page.context().close();
    expect(this.errors, `errors in ${this.page.url()}`).toEqual([]);
  }
}

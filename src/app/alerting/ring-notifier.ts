import { DOCUMENT, Injectable, inject } from '@angular/core';

export interface RingNotice {
  callId: string;
  callerName: string;
  callerAddress: string;
  ringGroupName: string | null;
}

/**
 * Desktop notifications for calls that start ringing while the tab is hidden; clicking one
 * brings the console forward. Each closes as soon as its call stops ringing.
 */
@Injectable({ providedIn: 'root' })
export class RingNotifier {
  private readonly document = inject(DOCUMENT);
  private readonly open = new Map<string, Notification>();

  private get supported(): boolean {
    return typeof Notification !== 'undefined';
  }

  /** Asks once, from a user gesture; the answer is the browser's to keep. */
  requestPermission(): void {
    if (this.supported && Notification.permission === 'default') {
      Notification.requestPermission().catch((error: unknown) =>
        console.warn('[notifications]', error),
      );
    }
  }

  notify(notice: RingNotice): void {
    if (!this.supported || Notification.permission !== 'granted') return;
    if (this.document.visibilityState !== 'hidden' || this.open.has(notice.callId)) return;
    const via = notice.ringGroupName ? ` · ${notice.ringGroupName}` : '';
    const notification = new Notification(`Incoming call: ${notice.callerName}`, {
      body: `${notice.callerAddress}${via}`,
      tag: `call-${notice.callId}`,
      requireInteraction: true,
    });
    notification.onclick = () => {
      this.document.defaultView?.focus();
      notification.close();
    };
    this.open.set(notice.callId, notification);
  }

  close(callId: string): void {
    this.open.get(callId)?.close();
    this.open.delete(callId);
  }

  /** Ids of calls that still have a notification up. */
  get openCallIds(): string[] {
    return [...this.open.keys()];
  }
}

import { TestBed } from '@angular/core/testing';
import type { AdminMessage, AdminSection } from '../../../protocol/admin-protocol';
import { AdminChangesService, ALL_SECTIONS } from './admin-changes.service';

/** Stands in for the browser's WebSocket so the spec controls frames, closes and time. */
class FakeSocket {
  static opened: FakeSocket[] = [];
  static readonly OPEN = 1;
  static readonly CONNECTING = 0;
  readyState = FakeSocket.OPEN;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  closedWith: number | null = null;
  constructor(readonly url: string) {
    FakeSocket.opened.push(this);
  }
  static get last(): FakeSocket {
    return FakeSocket.opened[FakeSocket.opened.length - 1];
  }
  receive(frame: AdminMessage): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  close(code: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }
}

describe('AdminChangesService', () => {
  const realWebSocket = window.WebSocket;
  const beat: AdminMessage = { type: 'admin.heartbeat', intervalSeconds: 2 };
  let token: string | null;
  let heard: (readonly AdminSection[])[];
  let completed: boolean;
  let stop: () => void;

  beforeEach(() => {
    jasmine.clock().install();
    jasmine.clock().mockDate(new Date(1_000_000));
    (window as { WebSocket: unknown }).WebSocket = FakeSocket;
    FakeSocket.opened = [];
    token = 'jwt-1';
    heard = [];
    completed = false;
    const subscription = TestBed.inject(AdminChangesService)
      .watch(() => token)
      .subscribe({ next: (sections) => heard.push(sections), complete: () => (completed = true) });
    stop = () => subscription.unsubscribe();
  });

  afterEach(() => {
    stop();
    (window as { WebSocket: unknown }).WebSocket = realWebSocket;
    jasmine.clock().uninstall();
  });

  it('opens the feed with the token and passes on what changed, keeping heartbeats', () => {
    expect(FakeSocket.last.url).toContain('/api/admin/changes?token=jwt-1');
    FakeSocket.last.receive(beat);
    FakeSocket.last.receive({ type: 'admin.changed', sections: ['people', 'phone-numbers'] });
    FakeSocket.last.receive(beat);
    expect(heard).toEqual([['people', 'phone-numbers']]);
    stop();
    expect(FakeSocket.last.closedWith).toBe(1000);
  });

  it('reconnects after a close with the current token, then re-reads every list', () => {
    FakeSocket.last.receive(beat);
    token = 'jwt-2';
    FakeSocket.last.onclose?.({ code: 1006, reason: '' });
    expect(FakeSocket.opened.length).toBe(1);
    jasmine.clock().tick(1_000);
    expect(FakeSocket.opened.length).toBe(2);
    expect(FakeSocket.last.url).toContain('token=jwt-2');
    // Nothing re-read until the new socket is live: a refused one would re-read for nothing.
    expect(heard).toEqual([]);
    FakeSocket.last.receive(beat);
    expect(heard).toEqual([ALL_SECTIONS]);
    expect(completed).toBeFalse();
  });

  it('a feed silent for three heartbeats is closed and opened again', () => {
    const first = FakeSocket.last;
    first.receive(beat);
    for (let at = 0; at < 5; at++) {
      jasmine.clock().tick(2_000);
      first.receive(beat);
    }
    expect(FakeSocket.opened.length).toBe(1);
    jasmine.clock().tick(7_000);
    expect(first.closedWith).toBe(1000);
    jasmine.clock().tick(1_000);
    expect(FakeSocket.opened.length).toBe(2);
  });

  it('waits longer after each failed attempt, up to 10 s', () => {
    const opensAfter = (ms: number) => {
      const before = FakeSocket.opened.length;
      FakeSocket.last.onclose?.({ code: 1006, reason: '' });
      jasmine.clock().tick(ms - 1);
      expect(FakeSocket.opened.length).withContext(`not before ${ms} ms`).toBe(before);
      jasmine.clock().tick(1);
      expect(FakeSocket.opened.length)
        .withContext(`after ${ms} ms`)
        .toBe(before + 1);
    };
    for (const ms of [1_000, 2_000, 4_000, 8_000, 10_000, 10_000]) opensAfter(ms);
  });

  it('a refusal (not an admin, bad token) completes without reconnecting', () => {
    FakeSocket.last.onclose?.({ code: 4403, reason: 'requires role admin' });
    expect(completed).toBeTrue();
    jasmine.clock().tick(60_000);
    expect(FakeSocket.opened.length).toBe(1);
  });
});

import { TestBed } from '@angular/core/testing';
import type { SupervisorMessage } from '../../../protocol/supervisor-protocol';
import { FeedRefusedError, SupervisorFeedService, type FeedFrame } from './supervisor-feed.service';
import { changesFrame, snapshotFrame } from './testing/supervisor-frames';

/** Stands in for the browser's WebSocket so the spec controls frames, closes and time. */
class FakeSocket {
  static last: FakeSocket | null = null;
  static readonly OPEN = 1;
  static readonly CONNECTING = 0;
  readyState = FakeSocket.OPEN;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  closedWith: number | null = null;
  constructor(readonly url: string) {
    FakeSocket.last = this;
  }
  receive(frame: SupervisorMessage): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  close(code: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }
}

describe('SupervisorFeedService', () => {
  const realWebSocket = window.WebSocket;
  let frames: FeedFrame[];
  let failure: unknown;

  beforeEach(() => {
    jasmine.clock().install();
    jasmine.clock().mockDate(new Date(1_000_000));
    (window as { WebSocket: unknown }).WebSocket = FakeSocket;
    frames = [];
    failure = undefined;
    TestBed.inject(SupervisorFeedService)
      .connect('jwt')
      .subscribe({ next: (frame) => frames.push(frame), error: (error) => (failure = error) });
  });

  afterEach(() => {
    (window as { WebSocket: unknown }).WebSocket = realWebSocket;
    jasmine.clock().uninstall();
  });

  it('opens the feed with the token and keeps heartbeats to itself', () => {
    const socket = FakeSocket.last!;
    expect(socket.url).toContain('/api/supervisor/feed?token=jwt');
    const snapshot = snapshotFrame({ heartbeatSeconds: 2 });
    const changes = changesFrame({ at: 5 });
    socket.receive(snapshot);
    socket.receive({ type: 'supervisor.heartbeat', at: 1 });
    socket.receive(changes);
    expect(frames).toEqual([snapshot, changes]);
  });

  it('a feed silent for three heartbeats is closed and fails, so the page reconnects', () => {
    const socket = FakeSocket.last!;
    socket.receive(snapshotFrame({ heartbeatSeconds: 2 }));
    // Heartbeats keep it alive well past three intervals.
    for (let beat = 0; beat < 5; beat++) {
      jasmine.clock().tick(2_000);
      socket.receive({ type: 'supervisor.heartbeat', at: beat });
    }
    expect(failure).toBeUndefined();
    jasmine.clock().tick(7_000);
    expect(failure).toEqual(new Error('the feed went silent'));
    expect(failure).not.toBeInstanceOf(FeedRefusedError);
    expect(socket.closedWith).toBe(1000);
  });

  it('a refusal is a FeedRefusedError', () => {
    FakeSocket.last!.onclose?.({ code: 4403, reason: 'requires role supervisor or admin' });
    expect(failure).toEqual(new FeedRefusedError(4403, 'requires role supervisor or admin'));
  });
});

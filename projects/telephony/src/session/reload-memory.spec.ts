import type { ServerMessage } from '../protocol';
import { connect, type TelephonyClient } from '../public-api';
import { callView, FakeSocketFactory, helloFrame } from '../../testing/fake-web-socket';
import { audioStream, FakeMediaEngine } from '../../testing/fake-media-engine';
import type { ReloadStore } from './reload-memory';

type CallMediaFrame = Extract<ServerMessage, { type: 'call_media' }>;

function mediaFrame(token: string): CallMediaFrame {
  return {
    type: 'call_media',
    callId: 'a',
    url: 'ws://media.test',
    room: 't_demo_call_a',
    token,
    identity: 'agent:ada:session-1',
  };
}

/** The tab's sessionStorage, which outlives a reload of its page. */
class MemoryStore implements ReloadStore {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

describe('telephony SDK: a call across a reload of the page', () => {
  let store: MemoryStore;
  let clients: TelephonyClient[];

  beforeEach(() => {
    store = new MemoryStore();
    clients = [];
  });
  afterEach(() => clients.forEach((client) => client.disconnect()));

  /** One page of the tab: its own socket factory, media engine and window. */
  function page() {
    const sockets = new FakeSocketFactory();
    const media = new FakeMediaEngine();
    const window = new EventTarget();
    const client = connect('token-1', {
      url: 'ws://switchboard.test/api/session',
      expiresAt: Date.now() + 15 * 60_000,
      webSocketFactory: sockets.create,
      networkEvents: null,
      pageEvents: null,
      unloadEvents: window,
      reloadStore: store,
      media,
    });
    clients.push(client);
    return { sockets, media, window, client };
  }

  it('the reloaded page resumes the session and rejoins the call with what it published', async () => {
    const first = page();
    expect(first.sockets.latest.url).not.toContain('resume=');
    first.sockets.latest.open();
    first.sockets.latest.receive(helloFrame({ sessionId: 'session-1' }));
    first.sockets.latest.receive({ type: 'incoming_calls', calls: [callView({ id: 'a' })] });
    const answered = first.client.session.getCall('a')!.answer({ video: true });
    first.sockets.latest.reply('call.accept', { type: 'ok' });
    await answered;
    // Nothing is kept while the page lives: a tab duplicated now does not take this session.
    expect(store.items.size).toBe(0);

    first.window.dispatchEvent(new Event('pagehide'));
    const second = page();

    expect(second.sockets.latest.url).toContain('resume=session-1');
    expect(store.items.size).toBe(0);
    second.sockets.latest.open();
    second.sockets.latest.receive(helloFrame({ sessionId: 'session-1', resumed: true }));
    second.sockets.latest.receive({
      type: 'incoming_calls',
      calls: [callView({ id: 'a', status: 'connected', answeredAt: 2_000 })],
    });
    second.sockets.latest.receive(mediaFrame('fresh-token'));

    expect(second.media.latest.request).toEqual(
      jasmine.objectContaining({ token: 'fresh-token', audio: true, video: true }),
    );
    second.media.latest.emitRemoteStream(audioStream());
    expect(second.client.session.getCall('a')!.status).toBe('connected');
  });

  it('a page that signed out leaves nothing: the next page starts a fresh session', () => {
    const first = page();
    first.sockets.latest.open();
    first.sockets.latest.receive(helloFrame({ sessionId: 'session-1' }));
    first.client.disconnect();
    first.window.dispatchEvent(new Event('pagehide'));

    expect(page().sockets.latest.url).not.toContain('resume=');
  });

  it('fresh credentials for a call whose media is still in its room (a socket reconnect) do not rejoin', async () => {
    const only = page();
    only.sockets.latest.open();
    only.sockets.latest.receive(helloFrame({ sessionId: 'session-1' }));
    only.sockets.latest.receive({ type: 'incoming_calls', calls: [callView({ id: 'a' })] });
    const answered = only.client.session.getCall('a')!.answer({ video: false });
    only.sockets.latest.reply('call.accept', { type: 'ok' });
    await answered;
    only.sockets.latest.receive({
      type: 'incoming_calls',
      calls: [callView({ id: 'a', status: 'connected', answeredAt: 2_000 })],
    });
    only.sockets.latest.receive(mediaFrame('first-token'));
    only.media.latest.emitRemoteStream(audioStream());

    only.sockets.latest.receive(mediaFrame('fresh-token'));
    expect(only.media.joins.length).toBe(1);
    expect(only.media.latest.left).toBeFalse();
  });
});

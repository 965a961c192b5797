import type { Call, CallLifecycleStatus } from './public-api';
import { connect, TelephonyError, type TelephonyClient } from './public-api';
import { callView, FakeSocketFactory, helloFrame } from '../testing/fake-web-socket';

/** Lets promise continuations run (the SDK resolves requests through promises). */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

/** A settled fetch Response; real ones read their body on a task the mock clock does not drive. */
function jsonResponse(status: number, body: unknown): Response {
  return { ok: status >= 200 && status < 300, status, json: async () => body } as Response;
}

describe('telephony SDK: connect()', () => {
  const now = Date.UTC(2026, 10, 22, 9, 0, 0);
  let sockets: FakeSocketFactory;
  let fetchSpy: jasmine.Spy<typeof fetch>;
  let client: TelephonyClient;

  function start(
    options: { expiresAt?: number; networkEvents?: EventTarget; pageEvents?: EventTarget } = {},
  ): TelephonyClient {
    client = connect('token-1', {
      url: 'ws://switchboard.test/api/session',
      expiresAt: options.expiresAt ?? now + 15 * 60_000,
      webSocketFactory: sockets.create,
      fetch: fetchSpy,
      random: () => 0.5,
      backoff: { initialDelayMs: 1_000, maxDelayMs: 8_000, jitter: 0 },
      networkEvents: options.networkEvents ?? null,
      pageEvents: options.pageEvents ?? null,
    });
    return client;
  }

  function startOnline(): TelephonyClient {
    start();
    sockets.latest.open();
    sockets.latest.receive(helloFrame());
    return client;
  }

  beforeEach(() => {
    jasmine.clock().install();
    jasmine.clock().mockDate(new Date(now));
    sockets = new FakeSocketFactory();
    fetchSpy = jasmine.createSpy('fetch');
  });

  afterEach(() => {
    client?.disconnect();
    jasmine.clock().uninstall();
  });

  describe('connection', () => {
    it('opens /api/session with the token and is online after hello', () => {
      const states: string[] = [];
      start().connectionState$.subscribe((state) => states.push(state));

      expect(sockets.latest.url).toBe('ws://switchboard.test/api/session?token=token-1');
      expect(states).toEqual(['connecting']);
      sockets.latest.open();
      sockets.latest.receive(helloFrame());

      expect(states).toEqual(['connecting', 'online']);
      expect(client.session.user?.name).toBe('Ada Lovelace');
      expect(client.session.addresses).toEqual(['/private/ada']);
    });

    it('reconnects with exponential backoff after a drop', async () => {
      startOnline();
      sockets.latest.drop();
      expect(client.connectionState).toBe('reconnecting');

      jasmine.clock().tick(999);
      await settle();
      expect(sockets.sockets.length).toBe(1);
      jasmine.clock().tick(1);
      await settle();
      expect(sockets.sockets.length).toBe(2);

      // The second attempt fails too: the wait doubles.
      sockets.latest.drop();
      jasmine.clock().tick(1_999);
      await settle();
      expect(sockets.sockets.length).toBe(2);
      jasmine.clock().tick(1);
      await settle();
      expect(sockets.sockets.length).toBe(3);

      sockets.latest.open();
      sockets.latest.receive(helloFrame({ sessionId: 'session-2' }));
      expect(client.connectionState).toBe('online');
    });

    it('pings every heartbeat and reconnects after three silent beats', () => {
      startOnline();
      const first = sockets.latest;
      jasmine.clock().tick(3_000);
      // One ping right after hello (the server then counts this page's frames), one per beat.
      expect(first.sent.map((m) => m.type)).toEqual(['ping', 'ping']);

      first.receive({ type: 'pong' });
      jasmine.clock().tick(9_000);
      expect(client.connectionState).toBe('online');
      jasmine.clock().tick(3_000);

      expect(client.connectionState).toBe('reconnecting');
      expect(first.closedWith?.code).toBe(4000);
    });

    it('heartbeats from its own code: a ping after hello and one for every heartbeat frame', () => {
      startOnline();
      const socket = sockets.latest;
      expect(socket.sent.map((m) => m.type)).toEqual(['ping']);
      socket.receive({ type: 'heartbeat' });
      socket.receive({ type: 'heartbeat' });
      expect(socket.sent.map((m) => m.type)).toEqual(['ping', 'ping', 'ping']);
    });

    it('says so as soon as the network goes, and keeps its socket through a short hiccup', () => {
      const network = new EventTarget();
      start({ networkEvents: network });
      sockets.latest.open();
      sockets.latest.receive(helloFrame());
      const socket = sockets.latest;

      network.dispatchEvent(new Event('offline'));
      expect(client.connectionState).toBe('reconnecting');
      jasmine.clock().tick(1_500);
      network.dispatchEvent(new Event('online'));

      // The same socket (its ringing calls stay with it) checks itself with a ping.
      expect(sockets.sockets.length).toBe(1);
      expect(socket.closedWith).toBeNull();
      expect(socket.sent.at(-1)?.type).toBe('ping');
      socket.receive({ type: 'pong' });
      expect(client.connectionState).toBe('online');
    });

    it('reconnects at once when the network comes back and the socket did not survive', async () => {
      const network = new EventTarget();
      start({ networkEvents: network });
      sockets.latest.open();
      sockets.latest.receive(helloFrame());
      network.dispatchEvent(new Event('offline'));
      sockets.latest.drop();
      network.dispatchEvent(new Event('online'));
      await settle();
      expect(sockets.sockets.length).toBe(2);
      expect(sockets.latest.url).toContain('&resume=session-1');
    });

    it('gives its socket up when the page is frozen and takes its session back on resume', async () => {
      const page = new EventTarget();
      start({ pageEvents: page });
      sockets.latest.open();
      sockets.latest.receive(helloFrame());
      const frozen = sockets.latest;

      page.dispatchEvent(new Event('freeze'));
      // Not a clean close: the server stops ringing this tab but keeps its calls for the resume.
      expect(frozen.closedWith?.code).toBe(4000);
      expect(client.connectionState).toBe('reconnecting');
      jasmine.clock().tick(60_000);
      expect(sockets.sockets.length).toBe(1);

      page.dispatchEvent(new Event('resume'));
      expect(sockets.sockets.length).toBe(2);
      expect(sockets.latest.url).toContain('&resume=session-1');
      sockets.latest.open();
      sockets.latest.receive(helloFrame({ resumed: true }));
      expect(client.connectionState).toBe('online');
    });

    it('goes offline for good when the server refuses the token and it cannot be refreshed', async () => {
      fetchSpy.and.resolveTo(jsonResponse(401, { message: 'expired' }));
      const reasons: string[] = [];
      startOnline().unauthorized$.subscribe((reason) => reasons.push(reason));

      sockets.latest.drop(4401, 'token expired');
      await settle();

      expect(fetchSpy).toHaveBeenCalledTimes(1);
      expect(reasons.length).toBe(1);
      expect(client.connectionState).toBe('offline');
      jasmine.clock().tick(60_000);
      expect(sockets.sockets.length).toBe(1);
    });
  });

  describe('token refresh', () => {
    it('refreshes before expiry and uses the new token on the next connection', async () => {
      fetchSpy.and.resolveTo(jsonResponse(200, { token: 'token-2', expiresAt: now + 30 * 60_000 }));
      const refreshed: number[] = [];
      start({ expiresAt: now + 10 * 60_000 });
      client.tokenRefreshed$.subscribe(({ expiresAt }) => refreshed.push(expiresAt));
      sockets.latest.open();
      sockets.latest.receive(helloFrame());

      // 10 minutes left: refreshed one minute early.
      jasmine.clock().tick(9 * 60_000 - 1);
      expect(fetchSpy).not.toHaveBeenCalled();
      jasmine.clock().tick(1);
      await settle();

      const [url, init] = fetchSpy.calls.mostRecent().args;
      expect(url).toBe('/api/auth/refresh');
      expect((init?.headers as Record<string, string>)['authorization']).toBe('Bearer token-1');
      expect(refreshed).toEqual([now + 30 * 60_000]);
      expect(client.token).toBe('token-2');

      sockets.latest.receive({ type: 'pong' });
      sockets.latest.drop();
      jasmine.clock().tick(1_000);
      await settle();
      // The new token, and the session the dropped socket had (see 'resuming after a lost socket').
      expect(sockets.latest.url).toBe(
        'ws://switchboard.test/api/session?token=token-2&resume=session-1',
      );
    });
  });

  describe('session.incomingCalls$', () => {
    it('emits the whole list on every change, with one stable Call per id', () => {
      const emissions: (readonly Call[])[] = [];
      startOnline().session.incomingCalls$.subscribe((calls) => emissions.push(calls));

      sockets.latest.receive({
        type: 'incoming_calls',
        calls: [
          callView({ id: 'a' }),
          callView({ id: 'b', from: { name: 'Grace Hopper', address: '/private/grace' } }),
        ],
      });
      sockets.latest.receive({
        type: 'incoming_calls',
        calls: [
          callView({
            id: 'a',
            status: 'disconnected',
            endReason: 'answered_elsewhere',
            answeredBy: { id: 'u2', name: 'Alan Turing' },
          }),
          callView({ id: 'b' }),
        ],
      });

      expect(emissions.map((list) => list.map((call) => call.id))).toEqual([
        [],
        ['a', 'b'],
        ['a', 'b'],
      ]);
      expect(emissions[2][0]).toBe(emissions[1][0]);
      expect(emissions[2][1]).toBe(emissions[1][1]);
      const first = emissions[2][0];
      expect(first.status).toBe('disconnected');
      expect(first.endReason).toBe('answered_elsewhere');
      expect(first.answeredBy).toEqual({ id: 'u2', name: 'Alan Turing' });
    });

    it('walks status$ through every status and completes once the call is dropped', () => {
      startOnline();
      sockets.latest.receive({ type: 'incoming_calls', calls: [callView({ id: 'a' })] });
      const call = client.session.getCall('a')!;
      const statuses: CallLifecycleStatus[] = [];
      let completed = false;
      call.status$.subscribe({
        next: (status) => statuses.push(status),
        complete: () => (completed = true),
      });

      for (const status of ['connecting', 'connected', 'disconnecting', 'disconnected'] as const) {
        sockets.latest.receive({ type: 'incoming_calls', calls: [callView({ id: 'a', status })] });
      }
      expect(completed).toBeFalse();
      sockets.latest.receive({ type: 'incoming_calls', calls: [] });

      expect(statuses).toEqual([
        'ringing',
        'connecting',
        'connected',
        'disconnecting',
        'disconnected',
        'destroyed',
      ]);
      expect(completed).toBeTrue();
      expect(client.session.getCall('a')).toBeUndefined();
    });

    it('treats a new ring attempt of the same call as a new Call', () => {
      startOnline();
      sockets.latest.receive({
        type: 'incoming_calls',
        calls: [callView({ id: 'a', status: 'disconnected', endReason: 'rejected' })],
      });
      const declined = client.session.getCall('a')!;
      sockets.latest.receive({
        type: 'incoming_calls',
        calls: [callView({ id: 'a', attempt: 2 })],
      });

      const again = client.session.getCall('a')!;
      expect(again).not.toBe(declined);
      expect(declined.status).toBe('destroyed');
      expect(again.status).toBe('ringing');
      expect(again.attempt).toBe(2);
    });

    it('resumes from the server snapshot after a reconnect and registers again by itself', async () => {
      startOnline();
      const online = client.session.online();
      sockets.latest.reply('online', {
        type: 'registered',
        addresses: ['/private/ada'],
        presence: 'available',
      });
      await online;
      sockets.latest.receive({
        type: 'incoming_calls',
        calls: [callView({ id: 'kept' }), callView({ id: 'gone' })],
      });
      const kept = client.session.getCall('kept')!;
      const gone = client.session.getCall('gone')!;

      sockets.latest.drop();
      expect(client.session.registered).toBeFalse();
      jasmine.clock().tick(1_000);
      await settle();
      sockets.latest.open();
      sockets.latest.receive(helloFrame({ sessionId: 'session-2' }));
      sockets.latest.receive({ type: 'incoming_calls', calls: [callView({ id: 'kept' })] });

      expect(sockets.latest.sent.map((m) => m.type)).toEqual(['ping', 'online']);
      sockets.latest.reply('online', {
        type: 'registered',
        addresses: ['/private/ada'],
        presence: 'available',
      });
      expect(client.session.registered).toBeTrue();
      expect(client.session.getCall('kept')).toBe(kept);
      expect(gone.status).toBe('destroyed');
    });
  });

  describe('resuming after a lost socket', () => {
    async function dialedCall(): Promise<Call> {
      const dialing = client.session.dial('/private/grace');
      const outbound = callView({
        id: 'out-1',
        direction: 'outbound',
        status: 'connected',
        from: { name: 'Ada Lovelace', address: '/private/ada' },
      });
      sockets.latest.reply('call.dial', { type: 'outgoing_call', call: outbound });
      return dialing;
    }

    async function reconnect(): Promise<void> {
      sockets.latest.drop();
      jasmine.clock().tick(1_000);
      await settle();
      sockets.latest.open();
    }

    it('asks for the session it had, and keeps its calls when the server resumed it', async () => {
      startOnline();
      const call = await dialedCall();
      await reconnect();

      expect(sockets.latest.url).toBe(
        'ws://switchboard.test/api/session?token=token-1&resume=session-1',
      );
      sockets.latest.receive(helloFrame({ resumed: true, online: true, presence: 'busy' }));
      sockets.latest.receive({
        type: 'outgoing_call',
        call: { ...callView({ id: 'out-1', direction: 'outbound' }), status: 'connected' },
      });

      expect(sockets.latest.sent.map((m) => m.type)).toEqual(['ping']);
      expect(client.session.registered).toBeTrue();
      expect(client.session.getCall('out-1')).toBe(call);
      expect(call.status).not.toBe('destroyed');
    });

    it('ends the calls it placed as failed when the server started a fresh session instead', async () => {
      startOnline();
      const call = await dialedCall();
      const statuses: CallLifecycleStatus[] = [];
      call.status$.subscribe((status) => statuses.push(status));
      await reconnect();
      sockets.latest.receive(helloFrame({ sessionId: 'session-2', resumed: false }));

      expect(statuses.slice(-2)).toEqual(['disconnected', 'destroyed']);
      expect(call.endReason).toBe('failed');
      expect(client.session.getCall('out-1')).toBeUndefined();
    });

    it('ends its incoming calls as failed too when the server started afresh (call control restarted)', async () => {
      startOnline();
      sockets.latest.receive({
        type: 'incoming_calls',
        calls: [callView({ id: 'in-1', status: 'connected' })],
      });
      const call = client.session.getCall('in-1')!;
      const statuses: CallLifecycleStatus[] = [];
      call.status$.subscribe((status) => statuses.push(status));
      await reconnect();
      sockets.latest.receive(helloFrame({ sessionId: 'session-2', resumed: false }));

      expect(statuses.slice(-2)).toEqual(['disconnected', 'destroyed']);
      expect(call.endReason).toBe('failed');
      expect(client.session.getCall('in-1')).toBeUndefined();
    });

    it('asks for the newest session on the next drop', async () => {
      startOnline();
      await reconnect();
      sockets.latest.receive(helloFrame({ sessionId: 'session-2', resumed: false }));
      await reconnect();
      expect(sockets.latest.url).toContain('&resume=session-2');
    });
  });

  describe('Call commands', () => {
    beforeEach(() => {
      startOnline();
      sockets.latest.receive({ type: 'incoming_calls', calls: [callView({ id: 'a' })] });
    });

    it('answer() accepts with audio on and video off unless told otherwise', async () => {
      const answered = client.session.getCall('a')!.answer();
      expect(sockets.latest.lastSent('call.accept')).toEqual({
        type: 'call.accept',
        callId: 'a',
        media: { audio: true, video: false },
        requestId: jasmine.any(String) as unknown as string,
      });
      sockets.latest.reply('call.accept', { type: 'ok' });
      await expectAsync(answered).toBeResolved();

      const withVideo = client.session.getCall('a')!.answer({ video: true });
      expect(sockets.latest.lastSent('call.accept').media).toEqual({ audio: true, video: true });
      sockets.latest.reply('call.accept', { type: 'ok' });
      await withVideo;
    });

    it('reject() and hangup() fail with the server reason', async () => {
      const rejected = client.session.getCall('a')!.reject();
      sockets.latest.reply('call.reject', {
        type: 'error',
        code: 'wrong-state',
        message: 'already answered',
      });
      await expectAsync(rejected).toBeRejectedWith(
        new TelephonyError('wrong-state', 'already answered'),
      );

      const hungUp = client.session
        .getCall('a')!
        .hangup()
        .catch((e: unknown) => e);
      expect(sockets.latest.lastSent('call.hangup').callId).toBe('a');
      sockets.latest.drop();
      expect(((await hungUp) as TelephonyError).reason).toBe('connection-closed');
    });

    it('fails fast with not-connected while reconnecting', async () => {
      sockets.latest.drop();
      await expectAsync(client.session.getCall('a')!.answer()).toBeRejectedWith(
        jasmine.objectContaining({ reason: 'not-connected' }),
      );
    });
  });

  describe('session.dial()', () => {
    it('resolves with the outbound Call and destroys it once disconnected', async () => {
      startOnline();
      const dialing = client.session.dial('/group/support');
      expect(sockets.latest.lastSent('call.dial')).toEqual(
        jasmine.objectContaining({ to: '/group/support', media: { audio: true, video: false } }),
      );
      const outbound = callView({
        id: 'out-1',
        direction: 'outbound',
        from: { name: 'Ada Lovelace', address: '/private/ada' },
      });
      sockets.latest.reply('call.dial', { type: 'outgoing_call', call: outbound });
      const call = await dialing;

      expect(call.direction).toBe('outbound');
      expect(call.status).toBe('ringing');
      const statuses: CallLifecycleStatus[] = [];
      call.status$.subscribe((status) => statuses.push(status));
      sockets.latest.receive({ type: 'outgoing_call', call: { ...outbound, status: 'connected' } });
      sockets.latest.receive({
        type: 'outgoing_call',
        call: { ...outbound, status: 'disconnected', endReason: 'hangup' },
      });

      expect(statuses).toEqual(['ringing', 'connected', 'disconnected', 'destroyed']);
      expect(call.endReason).toBe('hangup');
    });

    it('rejects with the server error for an unknown address', async () => {
      startOnline();
      const dialing = client.session.dial('/private/nobody');
      sockets.latest.reply('call.dial', {
        type: 'error',
        code: 'not-found',
        message: 'no such address',
      });
      await expectAsync(dialing).toBeRejectedWith(
        new TelephonyError('not-found', 'no such address'),
      );
    });
  });

  describe('presence', () => {
    it('follows registered, presence and unregistered frames', async () => {
      startOnline();
      const presences: string[] = [];
      client.session.presence$.subscribe((p) => presences.push(p));
      const online = client.session.online();
      sockets.latest.reply('online', {
        type: 'registered',
        addresses: ['/private/ada'],
        presence: 'available',
      });
      await online;
      const away = client.session.setPresence('away');
      expect(sockets.latest.lastSent('presence.set').presence).toBe('away');
      sockets.latest.reply('presence.set', { type: 'ok' });
      sockets.latest.receive({ type: 'presence', presence: 'away' });
      await away;
      const offline = client.session.offline();
      sockets.latest.reply('offline', { type: 'unregistered', presence: 'offline' });
      await offline;

      expect(presences).toEqual(['offline', 'available', 'away', 'offline']);
      expect(client.session.registered).toBeFalse();
    });
  });
  describe('session.queues$', () => {
    it("replays the agent's groups' queues as the server pushes them, empty before the first frame", () => {
      startOnline();
      const seen: unknown[] = [];
      client.session.queues$.subscribe((queues) => seen.push(queues));
      const support = {
        group: { id: 'g1', name: 'support' },
        waiting: 2,
        longestWaitingSince: now - 65_000,
        available: [{ id: 'u2', name: 'Bob' }],
      };
      sockets.latest.receive({ type: 'queues', groups: [support] });
      sockets.latest.receive({
        type: 'queues',
        groups: [{ ...support, waiting: 0, longestWaitingSince: null }],
      });

      expect(seen).toEqual([
        [],
        [support],
        [{ ...support, waiting: 0, longestWaitingSince: null }],
      ]);
    });
  });
});

import type { CallView, ServerMessage, TransferState } from '../protocol';
import {
  connect,
  TelephonyError,
  type Call,
  type CallLifecycleStatus,
  type TelephonyClient,
} from '../public-api';
import { callView, FakeSocketFactory, helloFrame } from '../../testing/fake-web-socket';
import { audioStream, FakeHoldAudio, FakeMediaEngine } from '../../testing/fake-media-engine';

function mediaFrame(callId: string): Extract<ServerMessage, { type: 'call_media' }> {
  return {
    type: 'call_media',
    callId,
    url: 'ws://media.test',
    room: `t_demo_call_${callId}`,
    token: 'livekit-token',
    identity: 'agent:ada:session-1',
  };
}

const bob = { id: 'user-bob', name: 'Bob Builder' };
const consulting: TransferState = {
  mode: 'warm',
  to: { name: 'Grace Hopper', address: '/private/grace' },
  status: 'consulting',
  consultationCallId: 'consult-1',
};

describe('telephony SDK: transfer and hold', () => {
  let sockets: FakeSocketFactory;
  let media: FakeMediaEngine;
  let holdAudio: FakeHoldAudio[];
  let client: TelephonyClient;

  beforeEach(() => {
    sockets = new FakeSocketFactory();
    media = new FakeMediaEngine();
    holdAudio = [];
    client = connect('token-1', {
      url: 'ws://switchboard.test/api/session',
      expiresAt: Date.now() + 15 * 60_000,
      webSocketFactory: sockets.create,
      networkEvents: null,
      media,
      holdAudio: () => {
        const audio = new FakeHoldAudio();
        holdAudio.push(audio);
        return audio;
      },
    });
    sockets.latest.open();
    sockets.latest.receive(helloFrame());
  });

  afterEach(() => client.disconnect());

  const list = (...calls: CallView[]) => sockets.latest.receive({ type: 'incoming_calls', calls });

  /** An inbound call answered here, connected with media flowing. */
  async function connectedCall(view: Partial<CallView> = {}): Promise<Call> {
    list(callView({ id: 'a', ...view }));
    const call = client.session.getCall('a')!;
    const answering = call.answer();
    sockets.latest.reply('call.accept', { type: 'ok' });
    await answering;
    list(callView({ id: 'a', status: 'connected', answeredAt: 2_000, ...view }));
    sockets.latest.receive(mediaFrame('a'));
    media.latest.emitRemoteStream(audioStream());
    return call;
  }

  /** A call dialed here, answered and connected with media. */
  async function dialedCall(): Promise<{ call: Call; view: CallView }> {
    const dialing = client.session.dial('/group/support');
    const view = callView({ id: 'out', direction: 'outbound' });
    sockets.latest.reply('call.dial', { type: 'outgoing_call', call: view });
    const call = await dialing;
    const connected = { ...view, status: 'connected' as const, answeredAt: 2_000 };
    sockets.latest.receive({ type: 'outgoing_call', call: connected });
    sockets.latest.receive(mediaFrame('out'));
    media.latest.emitRemoteStream(audioStream());
    return { call, view: connected };
  }

  describe('commands', () => {
    it('transfer() is blind unless told otherwise, and resolves on the server ok', async () => {
      const call = await connectedCall();

      const blind = call.transfer('/group/support');
      expect(sockets.latest.lastSent('call.transfer')).toEqual(
        jasmine.objectContaining({ callId: 'a', to: '/group/support', mode: 'blind' }),
      );
      sockets.latest.reply('call.transfer', { type: 'ok' });
      await expectAsync(blind).toBeResolved();

      const warm = call.transfer('/private/grace', { mode: 'warm' });
      expect(sockets.latest.lastSent('call.transfer').mode).toBe('warm');
      sockets.latest.reply('call.transfer', { type: 'ok' });
      await expectAsync(warm).toBeResolved();
    });

    it('transfer() passes required skills to the server, and sends none for an empty set', async () => {
      const call = await connectedCall();

      const skilled = call.transfer('/group/support', { skills: { spanish: 5, billing: 2 } });
      expect(sockets.latest.lastSent('call.transfer')).toEqual({
        type: 'call.transfer',
        requestId: jasmine.any(String),
        callId: 'a',
        to: '/group/support',
        mode: 'blind',
        skills: { spanish: 5, billing: 2 },
      });
      sockets.latest.reply('call.transfer', { type: 'ok' });
      await expectAsync(skilled).toBeResolved();

      const warm = call.transfer('/group/support', { mode: 'warm', skills: {} });
      const sent = sockets.latest.lastSent('call.transfer');
      expect(sent.mode).toBe('warm');
      expect('skills' in sent).toBeFalse();
      sockets.latest.reply('call.transfer', { type: 'ok' });
      await expectAsync(warm).toBeResolved();
    });

    it("a refused skill requirement rejects with the server's own words", async () => {
      const call = await connectedCall();
      const transfer = call.transfer('/group/support', { skills: { klingon: 3 } });
      sockets.latest.reply('call.transfer', {
        type: 'error',
        code: 'bad-message',
        message: 'unknown skill "klingon": nobody in this tenant holds it',
      });
      await expectAsync(transfer).toBeRejectedWith(
        new TelephonyError(
          'bad-message',
          'unknown skill "klingon": nobody in this tenant holds it',
        ),
      );
    });

    it('completeTransfer(), cancelTransfer(), hold() and resume() send their commands', async () => {
      const call = await connectedCall();
      const sent = [
        [() => call.completeTransfer(), 'call.transfer.complete'],
        [() => call.cancelTransfer(), 'call.transfer.cancel'],
        [() => call.hold(), 'call.hold'],
        [() => call.resume(), 'call.resume'],
      ] as const;
      for (const [run, type] of sent) {
        const done = run();
        expect(sockets.latest.lastSent(type)).toEqual(
          jasmine.objectContaining({ type, callId: 'a' }),
        );
        sockets.latest.reply(type, { type: 'ok' });
        await expectAsync(done).toBeResolved();
      }
    });

    it('rejects with the server error frame', async () => {
      const call = await connectedCall();
      const transfer = call.transfer('/private/nobody');
      sockets.latest.reply('call.transfer', {
        type: 'error',
        code: 'not-found',
        message: 'no such address',
      });
      await expectAsync(transfer).toBeRejectedWith(
        new TelephonyError('not-found', 'no such address'),
      );

      const hold = call.hold();
      sockets.latest.reply('call.hold', {
        type: 'error',
        code: 'wrong-state',
        message: 'call a is not connected',
      });
      await expectAsync(hold).toBeRejectedWith(
        new TelephonyError('wrong-state', 'call a is not connected'),
      );
    });
  });

  describe('state', () => {
    it('held$, heldAt and transferState$ follow the server views', async () => {
      const call = await connectedCall();
      const held: boolean[] = [];
      const transfers: (TransferState | null)[] = [];
      call.held$.subscribe((value) => held.push(value));
      call.transferState$.subscribe((value) => transfers.push(value));

      const ringing: TransferState = { ...consulting, status: 'ringing' };
      list(
        callView({ id: 'a', status: 'connected', held: true, heldAt: 5_000, transfer: ringing }),
      );
      expect(call.held).toBeTrue();
      expect(call.heldAt).toBe(5_000);
      list(
        callView({ id: 'a', status: 'connected', held: true, heldAt: 5_000, transfer: consulting }),
      );
      list(callView({ id: 'a', status: 'connected', held: false, heldAt: null, transfer: null }));

      expect(held).toEqual([false, true, false]);
      expect(transfers).toEqual([null, ringing, consulting, null]);
      expect(call.heldAt).toBeNull();
      expect(call.status).toBe('connected');
    });

    it('a leg rung by a transfer says who transferred it', () => {
      list(callView({ id: 'a', transferredBy: bob }));
      expect(client.session.getCall('a')!.transferredBy).toEqual(bob);
    });

    it('a blind-transferred leg walks to disconnected (transferred) and destroyed', async () => {
      const call = await connectedCall();
      const statuses: CallLifecycleStatus[] = [];
      call.status$.subscribe((status) => statuses.push(status));
      list(callView({ id: 'a', status: 'disconnected', endReason: 'transferred' }));
      expect(media.latest.left).toBeTrue();
      list();

      expect(statuses).toEqual(['connected', 'disconnected', 'destroyed']);
      expect(call.endReason).toBe('transferred');
    });

    it('a connected call that rings again (no end state in between) is a new Call', async () => {
      const call = await connectedCall();
      list(callView({ id: 'a', status: 'ringing' }));
      expect(client.session.getCall('a')).not.toBe(call);
      expect(call.status).toBe('destroyed');
      expect(media.latest.left).toBeTrue();
    });

    it('a transfer nobody took rings this tab again as a new Call', async () => {
      const call = await connectedCall();
      list(callView({ id: 'a', status: 'disconnected', endReason: 'transferred' }));
      list(callView({ id: 'a', status: 'ringing' }));

      const again = client.session.getCall('a')!;
      expect(again).not.toBe(call);
      expect(call.status).toBe('destroyed');
      expect(again.status).toBe('ringing');
    });
  });

  describe('media on hold', () => {
    it('agent side: stops sending while held and restores on resume', async () => {
      await connectedCall();
      list(callView({ id: 'a', status: 'connected', held: true, heldAt: 5_000 }));
      list(callView({ id: 'a', status: 'connected', held: true, heldAt: 5_000 }));
      list(callView({ id: 'a', status: 'connected', held: false }));

      expect(media.latest.holdCalls).toEqual(['hold-sending', 'resume-sending']);
      expect(holdAudio).toEqual([]);
    });

    it('agent side: a room joined while held starts on hold', async () => {
      list(callView({ id: 'a' }));
      const answering = client.session.getCall('a')!.answer();
      sockets.latest.reply('call.accept', { type: 'ok' });
      await answering;
      list(callView({ id: 'a', status: 'connected', held: true }));
      sockets.latest.receive(mediaFrame('a'));

      expect(media.latest.holdCalls).toEqual(['hold-sending']);
    });

    it('caller side: unsubscribes and plays hold audio until resumed', async () => {
      const { view } = await dialedCall();
      sockets.latest.receive({
        type: 'outgoing_call',
        call: { ...view, held: true, heldAt: 3_000 },
      });

      expect(media.latest.holdCalls).toEqual(['hold-receiving']);
      expect(holdAudio.length).toBe(1);
      expect(holdAudio[0].playing).toBeTrue();

      sockets.latest.receive({ type: 'outgoing_call', call: { ...view, held: false } });
      expect(media.latest.holdCalls).toEqual(['hold-receiving', 'resume-receiving']);
      expect(holdAudio[0].playing).toBeFalse();
    });

    it('caller side: the hold audio stops when the held call ends', async () => {
      const { view } = await dialedCall();
      sockets.latest.receive({ type: 'outgoing_call', call: { ...view, held: true } });
      sockets.latest.receive({
        type: 'outgoing_call',
        call: { ...view, status: 'disconnected', endReason: 'no_answer' },
      });
      expect(holdAudio[0].playing).toBeFalse();
    });
  });

  describe('warm transfer media', () => {
    it("the agent's consultation call joins with what the transferred call publishes", async () => {
      await connectedCall();
      const consultation = callView({
        id: 'consult-1',
        direction: 'outbound',
        to: { name: 'Grace Hopper', address: '/private/grace' },
        consultationFor: 'a',
      });
      sockets.latest.receive({ type: 'outgoing_call', call: consultation });
      sockets.latest.receive({
        type: 'outgoing_call',
        call: { ...consultation, status: 'connected' },
      });
      sockets.latest.receive(mediaFrame('consult-1'));

      expect(media.latest.request).toEqual(
        jasmine.objectContaining({ callId: 'consult-1', audio: true, video: false }),
      );
      expect(client.session.getCall('consult-1')!.consultationFor).toBe('a');
    });

    it('the destination joins the transferred call with what it published on the consultation', async () => {
      list(callView({ id: 'consult-1', transferredBy: bob, consultationFor: 'a' }));
      const answering = client.session.getCall('consult-1')!.answer({ video: true });
      sockets.latest.reply('call.accept', { type: 'ok' });
      await answering;
      list(callView({ id: 'consult-1', status: 'connected', consultationFor: 'a' }));

      // Completed: the consultation ends and the transferred call arrives connected.
      list(
        callView({
          id: 'consult-1',
          status: 'disconnected',
          endReason: 'hangup',
          consultationFor: 'a',
        }),
        callView({ id: 'a', status: 'connected', transferredBy: bob }),
      );
      sockets.latest.receive(mediaFrame('a'));

      expect(media.latest.request).toEqual(
        jasmine.objectContaining({ callId: 'a', audio: true, video: true }),
      );
      const transferred = client.session.getCall('a')!;
      expect(transferred.status).toBe('connecting');
      media.latest.emitRemoteStream(audioStream());
      expect(transferred.status).toBe('connected');
    });
  });
});

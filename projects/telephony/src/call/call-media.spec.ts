import type { CallView, ServerMessage } from '../protocol';
import { connect, type Call, type CallLifecycleStatus, type TelephonyClient } from '../public-api';
import { callView, FakeSocketFactory, helloFrame } from '../../testing/fake-web-socket';
import { audioStream, FakeMediaEngine } from '../../testing/fake-media-engine';

type CallMediaFrame = Extract<ServerMessage, { type: 'call_media' }>;

function mediaFrame(callId: string): CallMediaFrame {
  return {
    type: 'call_media',
    callId,
    url: 'ws://media.test',
    room: `t_demo_call_${callId}`,
    token: 'livekit-token',
    identity: 'agent:ada:session-1',
  };
}

describe('telephony SDK: call media', () => {
  let sockets: FakeSocketFactory;
  let media: FakeMediaEngine;
  let client: TelephonyClient;

  beforeEach(() => {
    sockets = new FakeSocketFactory();
    media = new FakeMediaEngine();
    client = connect('token-1', {
      url: 'ws://switchboard.test/api/session',
      expiresAt: Date.now() + 15 * 60_000,
      webSocketFactory: sockets.create,
      networkEvents: null,
      media,
    });
    sockets.latest.open();
    sockets.latest.receive(helloFrame());
  });

  afterEach(() => client.disconnect());

  function ring(view: Partial<CallView> = {}): Call {
    sockets.latest.receive({ type: 'incoming_calls', calls: [callView({ id: 'a', ...view })] });
    return client.session.getCall('a')!;
  }

  async function answer(call: Call, options = { video: true }): Promise<void> {
    const answered = call.answer(options);
    sockets.latest.reply('call.accept', { type: 'ok' });
    await answered;
  }

  it('joins the room with the answer options and is connected once remote media arrives', async () => {
    const call = ring();
    const statuses: CallLifecycleStatus[] = [];
    call.status$.subscribe((status) => statuses.push(status));
    const lists: string[][] = [];
    client.session.incomingCalls$.subscribe((calls) => lists.push(calls.map((c) => c.status)));
    await answer(call);

    sockets.latest.receive({
      type: 'incoming_calls',
      calls: [callView({ id: 'a', status: 'connected', answeredAt: 2_000 })],
    });
    expect(call.status).toBe('connecting');
    sockets.latest.receive(mediaFrame('a'));

    expect(media.latest.request).toEqual({
      callId: 'a',
      url: 'ws://media.test',
      room: 't_demo_call_a',
      token: 'livekit-token',
      identity: 'agent:ada:session-1',
      audio: true,
      video: true,
    });
    const local = audioStream();
    const localStreams: (MediaStream | null)[] = [];
    call.localStream$.subscribe((stream) => localStreams.push(stream));
    media.latest.emitLocalStream(local);
    expect(localStreams).toEqual([null, local]);
    expect(call.status).toBe('connecting');

    const remote = audioStream();
    media.latest.emitRemoteStream(remote);
    expect(call.status).toBe('connected');
    const remotes: (MediaStream | null)[] = [];
    call.remoteStream$.subscribe((stream) => remotes.push(stream));
    expect(remotes).toEqual([remote]);
    expect(statuses).toEqual(['ringing', 'connecting', 'connected']);
    // The list is re-emitted for the media change: a store following it sees `connected`.
    expect(lists.at(-1)).toEqual(['connected']);
  });

  it('stays connecting while the other side publishes nothing', async () => {
    const call = ring();
    await answer(call, { video: false });
    sockets.latest.receive({
      type: 'incoming_calls',
      calls: [callView({ id: 'a', status: 'connected' })],
    });
    sockets.latest.receive(mediaFrame('a'));
    media.latest.emitRemoteStream(null);
    expect(call.status).toBe('connecting');
  });

  it('ignores credentials for a call this tab did not answer', () => {
    ring();
    sockets.latest.receive(mediaFrame('a'));
    sockets.latest.receive(mediaFrame('unknown'));
    expect(media.joins).toEqual([]);
  });

  it('leaves the room right after sending the hangup, and when the server ends the call', async () => {
    const call = ring();
    await answer(call);
    sockets.latest.receive({
      type: 'incoming_calls',
      calls: [callView({ id: 'a', status: 'connected' })],
    });
    sockets.latest.receive(mediaFrame('a'));
    const first = media.latest;
    first.emitRemoteStream(audioStream());

    const hangingUp = call.hangup();
    expect(sockets.latest.lastSent('call.hangup').callId).toBe('a');
    expect(first.left).toBeTrue();
    let remote: MediaStream | null | undefined;
    call.remoteStream$.subscribe((stream) => (remote = stream));
    expect(remote).toBeNull();
    sockets.latest.reply('call.hangup', { type: 'ok' });
    await hangingUp;

    // A late event from the media that was left changes nothing.
    first.emitRemoteStream(audioStream());
    expect(remote).toBeNull();
  });

  it('leaves when the call ends elsewhere, and when the call is destroyed', async () => {
    const call = ring();
    await answer(call);
    sockets.latest.receive({
      type: 'incoming_calls',
      calls: [callView({ id: 'a', status: 'connected' })],
    });
    sockets.latest.receive(mediaFrame('a'));
    sockets.latest.receive({
      type: 'incoming_calls',
      calls: [callView({ id: 'a', status: 'disconnected', endReason: 'hangup' })],
    });
    expect(media.latest.left).toBeTrue();
    expect(call.status).toBe('disconnected');

    // Credentials arriving after the end start nothing.
    sockets.latest.receive(mediaFrame('a'));
    expect(media.joins.length).toBe(1);
  });

  it('joins for a call it dialed, with the dial options', async () => {
    const dialing = client.session.dial('/private/grace', { media: { video: true } });
    const outbound = callView({ id: 'out', direction: 'outbound' });
    sockets.latest.reply('call.dial', { type: 'outgoing_call', call: outbound });
    const call = await dialing;

    sockets.latest.receive({ type: 'outgoing_call', call: { ...outbound, status: 'connected' } });
    expect(call.status).toBe('connecting');
    sockets.latest.receive(mediaFrame('out'));
    expect(media.latest.request).toEqual(jasmine.objectContaining({ audio: true, video: true }));
    media.latest.emitRemoteStream(audioStream());
    expect(call.status).toBe('connected');

    sockets.latest.receive({
      type: 'outgoing_call',
      call: { ...outbound, status: 'disconnected', endReason: 'hangup' },
    });
    expect(media.latest.left).toBeTrue();
    expect(call.status).toBe('destroyed');
  });

  it('opens the devices as soon as it answers; the join takes them over', async () => {
    const call = ring();
    const answering = call.answer({ video: true });
    expect(media.preparations).toEqual([
      { request: { callId: 'a', audio: true, video: true }, cancelled: false },
    ]);
    sockets.latest.reply('call.accept', { type: 'ok' });
    await answering;
    sockets.latest.receive({
      type: 'incoming_calls',
      calls: [callView({ id: 'a', status: 'connected' })],
    });
    sockets.latest.receive(mediaFrame('a'));
    expect(media.joins.length).toBe(1);
    call.hangup().catch(() => undefined);
    expect(media.preparations[0].cancelled).toBeFalse();
  });

  it('forgets the answer options and releases the devices when the accept is refused', async () => {
    const call = ring();
    const answering = call.answer({ video: true });
    sockets.latest.reply('call.accept', { type: 'error', code: 'wrong-state', message: 'gone' });
    await expectAsync(answering).toBeRejected();
    expect(media.preparations[0].cancelled).toBeTrue();
    sockets.latest.receive(mediaFrame('a'));
    expect(media.joins).toEqual([]);
  });

  it('a dialed call opens its devices once answered, and releases them if it ends before joining', async () => {
    const dialing = client.session.dial('/private/grace');
    const outbound = callView({ id: 'out', direction: 'outbound' });
    sockets.latest.reply('call.dial', { type: 'outgoing_call', call: outbound });
    await dialing;
    expect(media.preparations).toEqual([]);

    sockets.latest.receive({ type: 'outgoing_call', call: { ...outbound, status: 'connected' } });
    expect(media.preparations.map((p) => p.request)).toEqual([
      { callId: 'out', audio: true, video: false },
    ]);
    sockets.latest.receive({
      type: 'outgoing_call',
      call: { ...outbound, status: 'disconnected', endReason: 'failed' },
    });
    expect(media.preparations[0].cancelled).toBeTrue();
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AddTrackRequest,
  ClientConfigSetting,
  DisconnectReason,
  LeaveRequest,
  LeaveRequest_Action,
  ParticipantInfo_State,
  Ping,
  RequestResponse_Reason,
  SessionDescription,
  TrackSource,
  TrackType,
} from '@livekit/protocol';
import { AccessToken, RoomServiceClient, TrackSource as GrantSource } from 'livekit-server-sdk';
import { MediaStream, RTCPeerConnection } from 'werift';
import { WebSocket } from 'ws';
import type { MediaServer } from './index.ts';
import { API_KEY, API_SECRET, joinToken, startTestServer } from './test-support/fixtures.ts';
import { RawSignalClient } from './test-support/raw-signal-client.ts';

describe('/rtc signalling (protocol level, no WebRTC)', () => {
  let server: MediaServer;
  let httpUrl: string;
  const clients: RawSignalClient[] = [];

  async function join(
    room: string,
    identity: string,
    grant = {},
    query = '',
  ): Promise<RawSignalClient> {
    const client = await RawSignalClient.connect(
      server.url,
      await joinToken(room, identity, grant),
      query,
    );
    clients.push(client);
    return client;
  }

  before(async () => {
    server = await startTestServer();
    httpUrl = server.url.replace('ws://', 'http://');
  });

  after(async () => {
    for (const client of clients) client.close();
    await server.close();
  });

  test('the first message is a JoinResponse with what livekit-client 2.23 requires', async () => {
    const client = await join('sig-join', 'alice');
    const response = await client.next('join');
    assert.equal(client.received[0].case, 'join');
    assert.match(response.participant?.sid ?? '', /^PA_/);
    assert.equal(response.participant?.identity, 'alice');
    assert.equal(response.participant?.permission?.canPublish, true);
    assert.equal(response.participant?.permission?.canSubscribe, true);
    assert.match(response.room?.sid ?? '', /^RM_/);
    assert.equal(response.room?.name, 'sig-join');
    assert.equal(response.serverInfo?.version, '1.9.0');
    assert.equal(response.serverVersion, '1.9.0');
    assert.equal(response.subscriberPrimary, true);
    assert.equal(response.pingInterval, 5);
    assert.equal(response.pingTimeout, 15);
    assert.equal(response.clientConfiguration?.resumeConnection, ClientConfigSetting.DISABLED);
    assert.deepEqual(response.iceServers, []);
    assert.deepEqual(response.enabledPublishCodecs, []);

    const offer = await client.next('offer');
    assert.equal(offer.id, 1);
    assert.match(offer.sdp, /m=application .* webrtc-datachannel/);
    await client.next('trickle');
  });

  test('ping and ping_req are answered', async () => {
    const client = await join('sig-ping', 'alice');
    await client.next('join');
    client.send({ case: 'ping', value: 1234n });
    client.send({ case: 'pingReq', value: new Ping({ timestamp: 5678n, rtt: 3n }) });
    await client.next('pong');
    const pong = await client.next('pongResp');
    assert.equal(pong.lastPingTimestamp, 5678n);
    assert.ok(pong.timestamp > 0n);
  });

  test('participants see each other join and leave through updates', async () => {
    const alice = await join('sig-updates', 'alice');
    await alice.next('join');
    const bob = await join('sig-updates', 'bob');
    const bobJoin = await bob.next('join');
    assert.deepEqual(
      bobJoin.otherParticipants.map((p) => p.identity),
      ['alice'],
    );
    const joined = await alice.next('update', (u) =>
      u.participants.some((p) => p.identity === 'bob'),
    );
    assert.equal(joined.participants[0].state, ParticipantInfo_State.JOINED);

    bob.send({
      case: 'leave',
      value: new LeaveRequest({ reason: DisconnectReason.CLIENT_INITIATED }),
    });
    const left = await alice.next('update', (u) =>
      u.participants.some(
        (p) => p.identity === 'bob' && p.state === ParticipantInfo_State.DISCONNECTED,
      ),
    );
    assert.equal(left.participants[0].disconnectReason, DisconnectReason.CLIENT_INITIATED);
    await bob.waitClosed();
  });

  test('a second connection with the same identity evicts the first', async () => {
    const first = await join('sig-duplicate', 'alice');
    await first.next('join');
    const second = await join('sig-duplicate', 'alice');
    await second.next('join');
    const leave = await first.next('leave');
    assert.equal(leave.reason, DisconnectReason.DUPLICATE_IDENTITY);
    assert.equal(leave.action, LeaveRequest_Action.DISCONNECT);
    await first.waitClosed();
    assert.equal(second.closed, false);
  });

  test('a resume attempt is told to rejoin in full', async () => {
    const client = await join('sig-resume', 'alice', {}, '&reconnect=1&sid=PA_old');
    const leave = await client.next('leave');
    assert.equal(leave.action, LeaveRequest_Action.RECONNECT);
    assert.equal(client.received[0].case, 'leave');
    await client.waitClosed();
  });

  test('a subscribe-only participant cannot publish', async () => {
    const monitor = await join('sig-monitor', 'supervisor', {
      canPublish: false,
      canSubscribe: true,
    });
    const response = await monitor.next('join');
    assert.equal(response.participant?.permission?.canPublish, false);
    assert.equal(response.participant?.permission?.canPublishData, false);
    monitor.send({
      case: 'addTrack',
      value: new AddTrackRequest({
        cid: 'mic-1',
        type: TrackType.AUDIO,
        source: TrackSource.MICROPHONE,
      }),
    });
    const refusal = await monitor.next('requestResponse');
    assert.equal(refusal.reason, RequestResponse_Reason.NOT_ALLOWED);
    assert.ok(!monitor.received.some((m) => m.case === 'trackPublished'));
  });

  test('a track must be of its source’s kind: a microphone-only token cannot publish video as a microphone', async () => {
    const grant = { canPublish: true, canPublishSources: [GrantSource.MICROPHONE] };
    const whisperer = await join('sig-kind', 'supervisor', grant);
    await whisperer.next('join');
    whisperer.send({
      case: 'addTrack',
      value: new AddTrackRequest({
        cid: 'v-1',
        type: TrackType.VIDEO,
        source: TrackSource.MICROPHONE,
      }),
    });
    assert.equal(
      (await whisperer.next('requestResponse')).reason,
      RequestResponse_Reason.NOT_ALLOWED,
    );

    // Declared as a microphone, then sent in a video section named after it: never published.
    whisperer.send({
      case: 'addTrack',
      value: new AddTrackRequest({
        cid: 'mic-1',
        type: TrackType.AUDIO,
        source: TrackSource.MICROPHONE,
      }),
    });
    await whisperer.next('trackPublished');
    const pc = new RTCPeerConnection({ iceServers: [] });
    const transceiver = pc.addTransceiver('video', {
      direction: 'sendonly',
      streams: [new MediaStream({ id: 'stream-1' })],
    });
    (transceiver.sender as { trackId: string }).trackId = 'mic-1';
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    whisperer.send({
      case: 'offer',
      value: new SessionDescription({ type: 'offer', sdp: pc.localDescription!.sdp, id: 1 }),
    });
    await whisperer.next('answer');
    const rooms = new RoomServiceClient(server.url, API_KEY, API_SECRET);
    const [info] = await rooms.listParticipants('sig-kind');
    assert.deepEqual(info.tracks, [], 'no track was published');
    await pc.close();
  });

  test('add_track is answered with a TrackInfo echoing the request', async () => {
    const client = await join('sig-publish', 'alice');
    await client.next('join');
    client.send({
      case: 'addTrack',
      value: new AddTrackRequest({
        cid: 'cam-1',
        name: 'camera',
        type: TrackType.VIDEO,
        source: TrackSource.CAMERA,
        width: 640,
        height: 480,
      }),
    });
    const published = await client.next('trackPublished');
    assert.equal(published.cid, 'cam-1');
    assert.match(published.track?.sid ?? '', /^TR_/);
    assert.equal(published.track?.source, TrackSource.CAMERA);
    assert.equal(published.track?.type, TrackType.VIDEO);
    assert.equal(published.track?.name, 'camera');
    assert.equal(published.track?.width, 640);
  });

  // rtc-node (libwebrtc) offers recvonly sections next to its own, and publishes its camera in
  // a second offer. werift recycled an m-line answered "inactive" for any new transceiver, even
  // one created by a remote offer that still uses that m-line: the recvonly section vanished
  // and the answer failed with "Transceiver with mid=… not found" (no video from rtc-node).
  test('a renegotiation adding a section next to recvonly ones is answered with every section', async () => {
    const client = await join('sig-renegotiate', 'alice');
    await client.next('join');
    const pc = new RTCPeerConnection({ iceServers: [] });
    pc.addTransceiver('audio', { direction: 'recvonly' });
    pc.addTransceiver('audio', { direction: 'sendonly' });
    const firstOffer = (await pc.createOffer()).sdp;
    await pc.close();
    client.send({
      case: 'offer',
      value: new SessionDescription({ type: 'offer', sdp: firstOffer, id: 1 }),
    });
    await client.next('answer', (answer) => answer.id === 1);

    // The camera's section, added as libwebrtc adds it: a new mid in the same bundle. The client
    // never connects (werift as a client leaks a transport it closes mid-handshake), so the server
    // answers once its 10 s wait for the connection to settle has passed.
    const secondOffer = await withVideoSection(firstOffer, '2');
    client.send({
      case: 'offer',
      value: new SessionDescription({ type: 'offer', sdp: secondOffer, id: 2 }),
    });
    const second = await client.next('answer', (answer) => answer.id === 2, 15_000);
    assert.deepEqual(midsOf(second.sdp), ['0', '1', '2']);
  });

  describe('HTTP surface', () => {
    test('HEAD and GET / answer 200 with CORS', async () => {
      for (const method of ['HEAD', 'GET']) {
        const response = await fetch(`${httpUrl}/`, { method });
        assert.equal(response.status, 200);
        assert.equal(response.headers.get('access-control-allow-origin'), '*');
      }
    });

    test('/rtc/validate answers 200 "success" for a valid token', async () => {
      const response = await fetch(
        `${httpUrl}/rtc/validate?access_token=${await joinToken('v', 'alice')}`,
      );
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('access-control-allow-origin'), '*');
      assert.equal(await response.text(), 'success');
    });

    test('/rtc/validate answers 401 with the reason for bad, expired or grant-less tokens', async () => {
      const expired = new AccessToken(API_KEY, API_SECRET, { identity: 'alice', ttl: -60 });
      expired.addGrant({ roomJoin: true, room: 'v' });
      const noJoin = new AccessToken(API_KEY, API_SECRET, { identity: 'alice' });
      noJoin.addGrant({ roomList: true });
      const cases: Array<[string, RegExp]> = [
        ['', /no access token/],
        [await joinToken('v', 'alice', {}, 'wrong-secret'), /signature verification failed/],
        [await expired.toJwt(), /expired/],
        [await noJoin.toJwt(), /no roomJoin grant/],
      ];
      for (const [token, message] of cases) {
        const response = await fetch(`${httpUrl}/rtc/validate?access_token=${token}`);
        assert.equal(response.status, 401);
        assert.equal(response.headers.get('access-control-allow-origin'), '*');
        assert.match(await response.text(), message);
      }
    });

    test('/rtc/v1/validate answers a generic 404 with CORS (the client falls back to v0)', async () => {
      const response = await fetch(`${httpUrl}/rtc/v1/validate?access_token=x`);
      assert.equal(response.status, 404);
      assert.equal(response.headers.get('access-control-allow-origin'), '*');
      assert.doesNotMatch(await response.text(), /requested room does not exist/);
    });

    test('the /rtc/v1 upgrade is refused with HTTP 404, and a bad /rtc upgrade with 401', async () => {
      const token = await joinToken('v', 'alice');
      assert.equal(await upgradeStatus(`${server.url}/rtc/v1?access_token=${token}`), 404);
      assert.equal(await upgradeStatus(`${server.url}/rtc?access_token=bad`), 401);
    });
  });
});

function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('open', () => reject(new Error('upgrade was accepted')));
    socket.once('error', () => {});
  });
}

function midsOf(sdp: string): string[] {
  return [...sdp.matchAll(/^a=mid:(\S+)/gm)].map((match) => match[1]);
}

/** `offer` with a sendonly video section appended under `mid`, bundled with the others. */
async function withVideoSection(offer: string, mid: string): Promise<string> {
  const scratch = new RTCPeerConnection({ iceServers: [] });
  scratch.addTransceiver('video', { direction: 'sendonly' });
  const video = (await scratch.createOffer()).sdp;
  await scratch.close();
  const section = video
    .slice(video.indexOf('m=video'))
    .replace(/^a=mid:.*$/m, `a=mid:${mid}`)
    .replace(/^a=ice-ufrag:.*$/m, offer.match(/^a=ice-ufrag:.*$/m)![0])
    .replace(/^a=ice-pwd:.*$/m, offer.match(/^a=ice-pwd:.*$/m)![0])
    .replace(/^a=fingerprint:.*$/m, offer.match(/^a=fingerprint:.*$/m)![0]);
  const bundled = offer.replace(/^(a=group:BUNDLE .*?)(\r?)$/m, `$1 ${mid}$2`);
  return bundled.endsWith('\n') ? bundled + section : `${bundled}\r\n${section}`;
}

/**
 * Liveness per socket, exactly as documented: every socket is pinged once per
 * HEARTBEAT_SECONDS (not every few hundred milliseconds when there are few sockets), a live
 * client whose answers come back late is never dropped, and a silent one is dropped after two
 * missed beats: not before 2 × HEARTBEAT_SECONDS of silence, by 3 × at the latest. The same
 * with 1 socket and with 1,000.
 *
 * A client that heartbeats itself (the console sends `ping` frames and answers the server's
 * `heartbeat` frames from its own code) is alive only while its code runs: a frozen tab, whose
 * browser still answers WebSocket pings, is dropped within the same window.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startTestServer, type TestServer, type TestUser } from '../test/harness.ts';

const HEARTBEAT_SECONDS = 1;
const BEAT_MS = HEARTBEAT_SECONDS * 1000;
/** Timer and scheduling slack on a shared, busy machine. */
const SLACK_MS = 600;

type Behaviour =
  /** Answers pings at once (the `ws` default), sends nothing else. */
  | 'prompt'
  /** Answers every ping 500 ms late. */
  | 'slow'
  /** Answers nothing: a vanished machine. */
  | 'vanished'
  /** Heartbeats from its own code (like the console), answering `heartbeat` frames 500 ms late. */
  | 'app-slow'
  /** Heartbeated from its own code, then froze: its "browser" still answers pings. */
  | 'app-frozen';

interface Probe {
  behaviour: Behaviour;
  pingTimes: number[];
  closedAt: number | null;
  /** When it last gave a sign of life of the kind that counts for it. */
  silentSince: number;
  socket: WebSocket;
}

async function connect(server: TestServer, user: TestUser, behaviour: Behaviour): Promise<Probe> {
  const manualPong = behaviour === 'slow' || behaviour === 'vanished';
  const socket = new WebSocket(server.sessionUrl(user.token), { autoPong: !manualPong });
  const probe: Probe = { behaviour, pingTimes: [], closedAt: null, silentSince: 0, socket };
  socket.on('ping', () => {
    probe.pingTimes.push(Date.now());
    if (behaviour === 'slow') setTimeout(() => socket.pong(), 500);
  });
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as { type: string };
    if (frame.type === 'heartbeat' && behaviour === 'app-slow')
      setTimeout(() => socket.send(JSON.stringify({ type: 'ping' })), 500);
  });
  socket.on('close', () => (probe.closedAt = Date.now()));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  if (behaviour === 'app-slow' || behaviour === 'app-frozen')
    socket.send(JSON.stringify({ type: 'ping' }));
  probe.silentSince = Date.now();
  return probe;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function checkPingSpacing(probe: Probe): void {
  assert.ok(
    probe.pingTimes.length >= 2,
    `${probe.behaviour}: only ${probe.pingTimes.length} pings`,
  );
  const gaps = probe.pingTimes.slice(1).map((time, index) => time - probe.pingTimes[index]);
  assert.ok(
    Math.min(...gaps) >= BEAT_MS - 250,
    `${probe.behaviour}: pinged ${Math.min(...gaps)} ms after the previous ping (gaps ${gaps.join(', ')}); expected every ${BEAT_MS} ms`,
  );
}

async function livenessScenario(server: TestServer, user: TestUser, crowd: number) {
  const others: WebSocket[] = [];
  for (let index = 0; index < crowd; index++) {
    const socket = new WebSocket(server.sessionUrl(user.token));
    others.push(socket);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
  }
  try {
    const probes: Probe[] = [];
    for (const behaviour of ['prompt', 'slow', 'vanished', 'app-slow', 'app-frozen'] as const)
      probes.push(await connect(server, user, behaviour));
    const byBehaviour = (behaviour: Behaviour) => probes.find((p) => p.behaviour === behaviour)!;

    await sleep(3 * BEAT_MS + 2 * SLACK_MS);
    for (const behaviour of ['vanished', 'app-frozen'] as const) {
      const probe = byBehaviour(behaviour);
      assert.ok(probe.closedAt, `${behaviour}: still connected after three silent beats`);
      const silentFor = probe.closedAt - probe.silentSince;
      assert.ok(
        silentFor >= 2 * BEAT_MS - 100,
        `${behaviour}: dropped after ${silentFor} ms of silence, before two missed beats`,
      );
      assert.ok(
        silentFor <= 3 * BEAT_MS + SLACK_MS,
        `${behaviour}: dropped only after ${silentFor} ms of silence`,
      );
    }
    // Keep the live ones under watch a while longer: late answers never cost them the socket.
    await sleep(2 * BEAT_MS);
    for (const behaviour of ['prompt', 'slow', 'app-slow'] as const) {
      const probe = byBehaviour(behaviour);
      assert.equal(probe.closedAt, null, `${behaviour}: a live client was dropped`);
      checkPingSpacing(probe);
    }
    for (const probe of probes) probe.socket.terminate();
    const stillOpen = others.filter((socket) => socket.readyState !== WebSocket.OPEN).length;
    assert.equal(stillOpen, 0, `${stillOpen} of the ${crowd} prompt sockets were dropped`);
  } finally {
    for (const socket of others) socket.terminate();
  }
}

describe('heartbeat liveness', () => {
  let server: TestServer;
  let agent: TestUser;

  before(async () => {
    server = await startTestServer({
      heartbeatSeconds: HEARTBEAT_SECONDS,
      sessionResumeSeconds: 0,
      // One user's thousand tabs: the per-user session cap is not what this test is about.
      maxSessionsPerUser: 2000,
    });
    agent = await server.createAgent('beats@hb.test');
  });
  after(() => server.close());

  test('with one socket of each kind', async () => {
    await livenessScenario(server, agent, 0);
  });

  test('among 1,000 sockets', async () => {
    await livenessScenario(server, agent, 995);
  });
});

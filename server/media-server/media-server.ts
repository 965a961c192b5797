import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { DisconnectReason, LeaveRequest, LeaveRequest_Action } from '@livekit/protocol';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  AuthError,
  bearerToken,
  refreshAccessToken,
  requireRoomJoin,
  verifyAccessToken,
  type AccessClaims,
} from './auth.ts';
import { errorMessage, silentLogger, type MediaLogger } from './logger.ts';
import { Participant } from './participant.ts';
import { hostIsLoopbackOnly, peerConnectionConfig } from './peer-config.ts';
import { RoomManager } from './room-manager.ts';
import { SignalConnection } from './signal-connection.ts';
import { installSrtpKeyObjects } from './srtp-key-objects.ts';
import { handleTwirp, TWIRP_PREFIX } from './twirp.ts';
import { systemScheduler, type MediaScheduler } from './scheduler.ts';
import { WebhookNotifier, type WebhookUrl } from './webhooks.ts';

export interface MediaServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  apiKey: string;
  apiSecret: string;
  /**
   * Where LiveKit webhooks are POSTed; none are sent when unset. A function is called at each
   * event (for a receiver that learns its address later) and may return undefined to skip it.
   */
  webhookUrl?: WebhookUrl;
  logger?: MediaLogger;
  /**
   * Bind ICE to 127.0.0.1 only. Default: only when the host has no non-loopback IPv4
   * interface (sandboxes where werift's default gathering never connects).
   */
  iceLoopbackOnly?: boolean;
  /** The clock and timers of token refresh and webhook retries (tests pass a ManualScheduler). */
  scheduler?: MediaScheduler;
}

export interface MediaServerStats {
  rooms: number;
  participants: number;
  /** Publisher→subscriber RTP streams currently being forwarded. */
  forwardedStreams: number;
}

export interface MediaServer {
  /** `ws://host:port`, what livekit-client and livekit-server-sdk are given. */
  url: string;
  port: number;
  stats(): MediaServerStats;
  close(): Promise<void>;
}

/** Lifetime of tokens sent as `refresh_token` (the real server's default: 10 minutes). */
const REFRESHED_TOKEN_TTL_SECONDS = 600;
const MAX_TWIRP_BODY_BYTES = 1 << 20;
/** The largest signalling frame accepted; a bigger one closes the socket with 1009. */
const MAX_SIGNAL_FRAME_BYTES = 1 << 20;
const CORS_HEADERS = { 'Access-Control-Allow-Origin': '*' };

/**
 * Starts the embedded LiveKit-compatible media server: `/rtc` signalling (v0, dual
 * PeerConnection), `/rtc/validate`, the RoomService Twirp subset and signed webhooks.
 */
export async function startMediaServer(options: MediaServerOptions): Promise<MediaServer> {
  const host = options.host ?? '127.0.0.1';
  installSrtpKeyObjects();
  const logger = options.logger ?? silentLogger;
  const scheduler = options.scheduler ?? systemScheduler;
  const keys = new Map([[options.apiKey, options.apiSecret]]);
  const webhooks = new WebhookNotifier(
    options.webhookUrl,
    options.apiKey,
    options.apiSecret,
    logger,
    scheduler,
  );
  const rooms = new RoomManager(webhooks, logger, 'ND_embedded');
  const peerConfig = peerConnectionConfig(options.iceLoopbackOnly ?? hostIsLoopbackOnly());
  // `ws` accepts 100 MiB frames by default; signalling messages are a few kB (SDP included).
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_SIGNAL_FRAME_BYTES });

  async function authorizeJoin(request: IncomingMessage, url: URL): Promise<AccessClaims> {
    const token =
      url.searchParams.get('access_token') ?? bearerToken(request.headers.authorization);
    const claims = await verifyAccessToken(token ?? undefined, keys);
    const { room } = requireRoomJoin(claims);
    if (rooms.get(room)?.isFull) throw new AuthError('room is full', 403);
    return claims;
  }

  function acceptParticipant(socket: WebSocket, claims: AccessClaims, url: URL): void {
    const signal = new SignalConnection(socket, logger);
    if (url.searchParams.get('reconnect') === '1') {
      // Resume is disabled (JoinResponse says so); this makes a stray resume rejoin in full.
      signal.send({
        case: 'leave',
        value: new LeaveRequest({
          canReconnect: true,
          reason: DisconnectReason.STATE_MISMATCH,
          action: LeaveRequest_Action.RECONNECT,
        }),
      });
      signal.close();
      return;
    }
    const { room: roomName } = requireRoomJoin(claims);
    const participant = new Participant({
      claims,
      signal,
      peerConfig,
      autoSubscribe: url.searchParams.get('auto_subscribe') !== '0',
      clientProtocol: Number(url.searchParams.get('client_protocol')) || 0,
      refreshToken: () =>
        refreshAccessToken(claims, options.apiSecret, REFRESHED_TOKEN_TTL_SECONDS, scheduler.now()),
      scheduler,
      logger,
    });
    rooms.getOrCreate(roomName).join(participant);
  }

  async function handleUpgrade(
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== '/rtc') {
      // `/rtc/v1` must fail at the HTTP level so livekit-client falls back to `/rtc`.
      rejectUpgrade(socket, 404, 'not found');
      return;
    }
    let claims: AccessClaims;
    try {
      claims = await authorizeJoin(request, url);
    } catch (error) {
      const status = error instanceof AuthError ? error.status : 500;
      rejectUpgrade(socket, status, error instanceof AuthError ? error.message : 'internal error');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      try {
        acceptParticipant(ws, claims, url);
      } catch (error) {
        logger.error({ err: errorMessage(error) }, 'join failed');
        ws.close(1011);
      }
    });
  }

  async function handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    if (method === 'OPTIONS') {
      response.writeHead(204, {
        ...CORS_HEADERS,
        'Access-Control-Allow-Methods': 'GET, HEAD, POST',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type',
      });
      response.end();
      return;
    }
    if ((method === 'GET' || method === 'HEAD') && url.pathname === '/') {
      return sendText(response, 200, 'OK');
    }
    if (method === 'GET' && url.pathname === '/rtc/validate') {
      try {
        await authorizeJoin(request, url);
        return sendText(response, 200, 'success');
      } catch (error) {
        if (!(error instanceof AuthError)) throw error;
        return sendText(response, error.status, error.message);
      }
    }
    if (method === 'GET' && url.pathname === '/rtc/v1/validate') {
      // Any 404 without "room does not exist" makes livekit-client retry on the v0 path.
      return sendText(response, 404, 'single peer connection (v1) signalling is not supported');
    }
    if (method === 'POST' && url.pathname.startsWith(TWIRP_PREFIX)) {
      let body: string;
      try {
        body = await readBody(request);
      } catch (error) {
        if (!(error instanceof BodyTooLarge)) throw error;
        response.writeHead(413, {
          ...CORS_HEADERS,
          'Content-Type': 'application/json',
          Connection: 'close',
        });
        response.end(JSON.stringify({ code: 'malformed', msg: error.message }));
        return;
      }
      const result = await handleTwirp(
        rooms,
        keys,
        url.pathname.slice(TWIRP_PREFIX.length),
        request.headers.authorization,
        body,
        logger,
      );
      response.writeHead(result.status, { ...CORS_HEADERS, 'Content-Type': 'application/json' });
      response.end(result.body);
      return;
    }
    sendText(response, 404, 'not found');
  }

  const server = createServer((request, response) => {
    handleRequest(request, response).catch((error: unknown) => {
      logger.error(
        { err: errorMessage(error), path: request.url?.split('?')[0] },
        'request failed',
      );
      if (!response.headersSent) sendText(response, 500, 'internal error');
      else response.destroy();
    });
  });
  server.on('upgrade', (request, socket, head) => {
    socket.on('error', () => socket.destroy());
    handleUpgrade(request, socket, head).catch((error: unknown) => {
      logger.error({ err: errorMessage(error) }, 'upgrade failed');
      socket.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  logger.info({ port }, 'embedded media server listening');

  let closing: Promise<void> | undefined;
  return {
    url: `ws://${urlHost}:${port}`,
    port,
    stats() {
      const participants = rooms.list().flatMap((room) => room.participantList);
      const forwardedStreams = participants
        .flatMap((participant) => participant.publishedTracks)
        .reduce((sum, track) => sum + track.forwarder.sinkCount, 0);
      return { rooms: rooms.list().length, participants: participants.length, forwardedStreams };
    },
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        rooms.closeAll(DisconnectReason.SERVER_SHUTDOWN);
        // Give the `leave` frames and close handshakes a moment before cutting sockets.
        await waitForSocketsClosed(wss, 500);
        for (const client of wss.clients) client.terminate();
        wss.close();
        await webhooks.drain(1_000);
        server.closeAllConnections();
        await stopped;
      })();
      return closing;
    },
  };
}

async function waitForSocketsClosed(wss: WebSocketServer, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (wss.clients.size > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { ...CORS_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(text);
}

function rejectUpgrade(socket: Duplex, status: number, message: string): void {
  const body = Buffer.from(message, 'utf8');
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${body.length}\r\n` +
      'Access-Control-Allow-Origin: *\r\n' +
      'Connection: close\r\n\r\n' +
      message,
  );
}

class BodyTooLarge extends Error {}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_TWIRP_BODY_BYTES)
      throw new BodyTooLarge(`request body too large (over ${MAX_TWIRP_BODY_BYTES} bytes)`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

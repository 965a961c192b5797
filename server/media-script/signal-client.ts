/**
 * LiveKit's client signalling, the dual-PeerConnection (v0) protocol that every LiveKit server
 * speaks: a WebSocket to `<url>/rtc?access_token=…` carrying `SignalRequest` frames up and
 * `SignalResponse` frames down (protobuf, @livekit/protocol). `join` comes first; the client
 * keeps the connection alive with `ping` at the interval the server asked for.
 */
import { JoinResponse, SignalRequest, SignalResponse } from '@livekit/protocol';
import { WebSocket } from 'ws';

export type SignalResponseMessage = SignalResponse['message'];
export type SignalRequestMessage = SignalRequest['message'];

/** The protocol version livekit-client 2.x announces; a server adapts its behaviour to it. */
const PROTOCOL_VERSION = 16;

/** `ws(s)://host[/prefix]/rtc?…` from an http(s) or ws(s) LiveKit URL. */
export function signalUrl(livekitUrl: string, token: string): string {
  const url = new URL(livekitUrl.replace(/^http/, 'ws'));
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/rtc`;
  url.search = new URLSearchParams({
    access_token: token,
    auto_subscribe: '0',
    sdk: 'node',
    protocol: String(PROTOCOL_VERSION),
  }).toString();
  return url.toString();
}

export class SignalClient {
  /** Every message after `join`, in order. */
  onMessage: (message: SignalResponseMessage) => void = () => {};
  /** The socket closed (by either side); `reason` says why, for the log. */
  onClose: (reason: string) => void = () => {};
  private pingTimer?: NodeJS.Timeout;
  private joined = false;
  private closed = false;

  private constructor(private readonly socket: WebSocket) {}

  /** Opens the socket and waits for the JoinResponse (or a refusal) within `timeoutMs`. */
  static connect(
    livekitUrl: string,
    token: string,
    timeoutMs: number,
  ): Promise<{ client: SignalClient; join: JoinResponse }> {
    const socket = new WebSocket(signalUrl(livekitUrl, token));
    socket.binaryType = 'nodebuffer';
    const client = new SignalClient(socket);
    return new Promise((resolve, reject) => {
      const fail = (error: Error) => {
        // After join a socket error is followed by 'close', which reports it.
        if (client.joined) return;
        clearTimeout(timer);
        void client.close();
        reject(error);
      };
      const timer = setTimeout(
        () => fail(new Error(`no JoinResponse within ${timeoutMs} ms`)),
        timeoutMs,
      );
      socket.once('unexpected-response', (_request, response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () =>
          fail(new Error(`LiveKit refused to join: HTTP ${response.statusCode} ${body.trim()}`)),
        );
      });
      socket.on('error', (error) => fail(error));
      socket.on('message', (data: Buffer, isBinary: boolean) => {
        if (!isBinary) return;
        let message: SignalResponseMessage;
        try {
          message = SignalResponse.fromBinary(new Uint8Array(data)).message;
        } catch {
          return;
        }
        if (message.case === 'join' && !client.joined) {
          clearTimeout(timer);
          client.startPinging(message.value);
          resolve({ client, join: message.value });
        } else if (!client.joined) {
          fail(new Error(`LiveKit answered ${message.case ?? 'nothing'} before join`));
        } else {
          client.onMessage(message);
        }
      });
      socket.on('close', (code, reason) => {
        clearInterval(client.pingTimer);
        const wasClosed = client.closed;
        client.closed = true;
        if (!client.joined) fail(new Error(`signal connection closed (${code})`));
        else if (!wasClosed) client.onClose(`signal connection closed (${code} ${reason})`);
      });
    });
  }

  send(message: SignalRequestMessage): void {
    if (this.closed || this.socket.readyState !== WebSocket.OPEN) return;
    this.socket.send(new SignalRequest({ message }).toBinary());
  }

  /** Closes the socket; resolves once it is closed (terminated after `timeoutMs`). */
  async close(timeoutMs = 2_000): Promise<void> {
    this.closed = true;
    clearInterval(this.pingTimer);
    if (this.socket.readyState === WebSocket.CLOSED) return;
    if (this.socket.readyState === WebSocket.CONNECTING) {
      this.socket.terminate();
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.socket.terminate(), timeoutMs);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.close();
    });
  }

  private startPinging(join: JoinResponse): void {
    this.joined = true;
    const intervalMs = Math.max(1, join.pingInterval || 5) * 1000;
    this.pingTimer = setInterval(
      () => this.send({ case: 'ping', value: BigInt(Date.now()) }),
      intervalMs,
    );
  }
}

import { SignalRequest, SignalResponse } from '@livekit/protocol';
import { WebSocket } from 'ws';

type ResponseMessage = SignalResponse['message'];
type Case = NonNullable<ResponseMessage['case']>;
type ValueOf<C extends Case> = Extract<ResponseMessage, { case: C }>['value'];

/**
 * A bare `/rtc` client speaking protobuf frames, without WebRTC: enough to test join,
 * updates, leave and keepalive at the protocol level.
 */
export class RawSignalClient {
  readonly received: ResponseMessage[] = [];
  closed = false;
  private waiters: Array<() => void> = [];

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      this.received.push(SignalResponse.fromBinary(new Uint8Array(data)).message);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static connect(serverUrl: string, token: string, query = ''): Promise<RawSignalClient> {
    const socket = new WebSocket(
      `${serverUrl}/rtc?access_token=${token}&auto_subscribe=1&protocol=17&client_protocol=2${query}`,
    );
    return new Promise((resolve, reject) => {
      const client = new RawSignalClient(socket);
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) =>
        reject(new Error(`HTTP ${response.statusCode}`)),
      );
    });
  }

  send(message: SignalRequest['message']): void {
    this.socket.send(new SignalRequest({ message }).toBinary());
  }

  /** The first received message of that kind matching `predicate` (waits up to `timeoutMs`). */
  async next<C extends Case>(
    kind: C,
    predicate: (value: ValueOf<C>) => boolean = () => true,
    timeoutMs = 5_000,
  ): Promise<ValueOf<C>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find((m) => m.case === kind && predicate(m.value as ValueOf<C>));
      if (found) return found.value as ValueOf<C>;
      if (Date.now() > deadline)
        throw new Error(
          `no ${kind} message received (got ${this.received.map((m) => m.case).join(', ')})`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async waitClosed(): Promise<void> {
    const deadline = Date.now() + 5_000;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('socket still open');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  close(): void {
    this.socket.close();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}

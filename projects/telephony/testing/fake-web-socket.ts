import type { CallView, ClientMessage, ServerMessage } from '../src/protocol';
import type { WebSocketLike } from '../src/transport/socket-connection';

/**
 * A WebSocket double for the SDK's unit tests: the test plays the server through
 * `open()`, `receive()` and `drop()`, and reads what the SDK sent from `sent`.
 */
export class FakeWebSocket implements WebSocketLike {
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  readonly sent: ClientMessage[] = [];
  closedWith: { code?: number; reason?: string } | null = null;

  constructor(readonly url: string) {}

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    this.sent.push(JSON.parse(data) as ClientMessage);
  }

  close(code?: number, reason?: string): void {
    this.readyState = 3;
    this.closedWith = { code, reason };
  }

  /** Server side: the upgrade succeeded. */
  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }

  /** Server side: one frame arrives. */
  receive(message: ServerMessage): void {
    this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(message) }));
  }

  /** Server side or network: the socket closes. */
  drop(code = 1006, reason = ''): void {
    this.readyState = 3;
    this.onclose?.(new CloseEvent('close', { code, reason }));
  }

  /** The last command of a type the SDK sent, to reply to its requestId. */
  lastSent<T extends ClientMessage['type']>(type: T): Extract<ClientMessage, { type: T }> {
    const message = [...this.sent].reverse().find((m) => m.type === type);
    if (!message)
      throw new Error(
        `nothing of type ${type} was sent; sent: ${this.sent.map((m) => m.type).join(', ')}`,
      );
    return message as Extract<ClientMessage, { type: T }>;
  }

  /** Replies to the last command of `type` with a frame carrying its requestId. */
  reply<T extends ClientMessage['type']>(
    type: T,
    frame: Record<string, unknown> & { type: ServerMessage['type'] },
  ): void {
    this.receive({ ...frame, requestId: this.lastSent(type).requestId } as ServerMessage);
  }
}

/** Records every socket the SDK opens. */
export class FakeSocketFactory {
  readonly sockets: FakeWebSocket[] = [];
  readonly create = (url: string): FakeWebSocket => {
    const socket = new FakeWebSocket(url);
    this.sockets.push(socket);
    return socket;
  };

  get latest(): FakeWebSocket {
    const socket = this.sockets.at(-1);
    if (!socket) throw new Error('no socket opened yet');
    return socket;
  }
}

type Hello = Extract<ServerMessage, { type: 'hello' }>;

export function helloFrame(overrides: Partial<Hello> = {}): Hello {
  return {
    type: 'hello',
    sessionId: 'session-1',
    user: {
      id: 'user-ada',
      name: 'Ada Lovelace',
      reference: 'ada@demo.test',
      role: 'agent',
      tenant: { id: 'tenant-demo', name: 'demo' },
    },
    addresses: ['/private/ada'],
    presence: 'offline',
    online: false,
    heartbeatSeconds: 3,
    ...overrides,
  };
}

export function callView(overrides: Partial<CallView> = {}): CallView {
  return {
    id: 'call-1',
    direction: 'inbound',
    from: { name: 'Katherine Johnson', address: '/private/katherine' },
    to: { name: 'support', address: '/group/support' },
    ringGroup: { id: 'group-support', name: 'support' },
    status: 'ringing',
    endReason: null,
    answeredBy: null,
    params: {},
    createdAt: 1_000,
    ringingAt: 1_000,
    answeredAt: null,
    endedAt: null,
    attempt: 1,
    ...overrides,
  };
}

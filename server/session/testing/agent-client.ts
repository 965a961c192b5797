/**
 * A session client for tests and the benchmark: a real `ws` WebSocket speaking the session
 * protocol, keeping the latest state the server pushed (incoming list, presence, outgoing
 * calls) and letting a test wait until that state satisfies a condition — no fixed sleeps.
 */
import WebSocket from 'ws';
import type {
  CallView,
  ClientMessage,
  Presence,
  ServerMessage,
} from '../../../protocol/session-protocol.ts';
import { ConditionWaiters } from '../../test/condition-waiters.ts';

type Hello = Extract<ServerMessage, { type: 'hello' }>;
type Reply = Exclude<ServerMessage, { type: 'incoming_calls' | 'presence' | 'hello' }>;

let requestCounter = 0;

export class AgentClient {
  readonly frames: ServerMessage[] = [];
  hello!: Hello;
  /** The last `incoming_calls` list. */
  calls: CallView[] = [];
  presence: Presence = 'offline';
  /** The last `outgoing_call` state of each dialed call. */
  readonly outgoing = new Map<string, CallView>();
  closed: { code: number; reason: string } | null = null;
  private readonly waiters = new ConditionWaiters(() => `last list ${JSON.stringify(this.calls)}`);

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.receive(JSON.parse(data.toString()) as ServerMessage));
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.notify();
    });
    socket.on('error', () => this.notify());
  }

  /** Opens a session and resolves once `hello` arrived (or the server closed it). */
  static async connect(url: string, options: WebSocket.ClientOptions = {}): Promise<AgentClient> {
    const client = new AgentClient(new WebSocket(url, options));
    await client.waitUntil(() => client.hello ?? client.closed, 'hello or close');
    return client;
  }

  send(message: ClientMessage | Record<string, unknown>): void {
    this.socket.send(JSON.stringify(message));
  }

  sendRaw(data: string | Buffer): void {
    this.socket.send(data);
  }

  /** Sends a command with a fresh requestId and resolves with the reply that carries it. */
  async request(
    message: ClientMessage | Record<string, unknown>,
    timeoutMs?: number,
  ): Promise<Reply> {
    const requestId = `r${++requestCounter}`;
    const start = this.frames.length;
    this.send({ ...message, requestId });
    return this.waitUntil(
      () =>
        this.frames
          .slice(start)
          .find((frame) => (frame as { requestId?: string }).requestId === requestId) as
          Reply | undefined,
      `reply to ${JSON.stringify(message)}`,
      timeoutMs,
    );
  }

  async online(): Promise<Reply> {
    return this.request({ type: 'online' });
  }

  call(callId: string): CallView | undefined {
    return this.calls.find((call) => call.id === callId);
  }

  /** Resolves with the first truthy value of `condition`, re-checked on every frame. */
  waitUntil<T>(
    condition: () => T | undefined | null | false,
    description: string,
    timeoutMs = 5000,
  ): Promise<T> {
    return this.waiters.waitUntil(condition, description, timeoutMs);
  }

  /**
   * Waits until this tab's list has held the call in the given status (and end reason). Every
   * list ever pushed counts, so an ended leg that already lingered out is still found.
   */
  waitForCall(
    callId: string,
    status: CallView['status'],
    endReason?: CallView['endReason'],
    timeoutMs?: number,
  ): Promise<CallView> {
    const matches = (call: CallView) =>
      call.id === callId &&
      call.status === status &&
      (endReason === undefined || call.endReason === endReason);
    return this.waitUntil(
      () => {
        for (const frame of this.frames) {
          if (frame.type !== 'incoming_calls') continue;
          const found = frame.calls.find(matches);
          if (found) return found;
        }
        return undefined;
      },
      `call ${callId} ${status}${endReason ? ` (${endReason})` : ''}`,
      timeoutMs,
    );
  }

  /** Waits for any ringing call, optionally one that was not seen before. */
  waitForRinging(except: string[] = [], timeoutMs?: number): Promise<CallView> {
    return this.waitUntil(
      () => this.calls.find((call) => call.status === 'ringing' && !except.includes(call.id)),
      'a ringing call',
      timeoutMs,
    );
  }

  waitForGone(callId: string, timeoutMs?: number): Promise<true> {
    return this.waitUntil<true>(
      () => !this.call(callId) || undefined,
      `call ${callId} to leave the list`,
      timeoutMs,
    );
  }

  waitForPresence(presence: Presence, timeoutMs?: number): Promise<Presence> {
    return this.waitUntil(
      () => (this.presence === presence ? presence : undefined),
      `presence ${presence}`,
      timeoutMs,
    );
  }

  /** Waits until an `outgoing_call` frame for the call satisfied `predicate` (any frame so far counts). */
  waitForOutgoing(
    callId: string,
    predicate: (call: CallView) => boolean,
    description: string,
    timeoutMs?: number,
  ): Promise<CallView> {
    return this.waitUntil(
      () => {
        for (const frame of this.frames) {
          if (frame.type === 'outgoing_call' && frame.call.id === callId && predicate(frame.call))
            return frame.call;
        }
        return undefined;
      },
      `outgoing ${callId} ${description}`,
      timeoutMs,
    );
  }

  waitForClose(timeoutMs?: number): Promise<{ code: number; reason: string }> {
    return this.waitUntil(() => this.closed, 'the socket to close', timeoutMs);
  }

  close(): Promise<{ code: number; reason: string }> {
    if (!this.closed) this.socket.close(1000);
    return this.waitForClose();
  }

  /** Drops the TCP connection without a close frame, as a crashed tab or lost network does. */
  kill(): void {
    (this.socket as unknown as { _socket: { destroy(): void } })._socket.destroy();
  }

  private receive(message: ServerMessage): void {
    this.frames.push(message);
    if (message.type === 'hello') {
      this.hello = message;
      this.presence = message.presence;
    } else if (message.type === 'incoming_calls') this.calls = message.calls;
    else if (message.type === 'presence') this.presence = message.presence;
    else if (message.type === 'registered' || message.type === 'unregistered')
      this.presence = message.presence;
    else if (message.type === 'outgoing_call') this.outgoing.set(message.call.id, message.call);
    this.notify();
  }

  private notify(): void {
    this.waiters.notify();
  }
}

/**
 * One benchmark agent tab: a bare `ws` client that comes online and reports, for each call,
 * the moment it first held it ringing and the moment it first showed it answered elsewhere.
 * Deliberately lighter than the test client (no frame history) so 1,000 of them stay cheap.
 */
import WebSocket from 'ws';
import type { CallView, ServerMessage } from '../../protocol/session-protocol.ts';

export interface AgentEvents {
  ringing(agent: BenchAgent, call: CallView): void;
  answeredElsewhere(agent: BenchAgent, call: CallView): void;
  connected(agent: BenchAgent, call: CallView): void;
  error(agent: BenchAgent, message: ServerMessage & { type: 'error' }): void;
}

/** Every frame the bench's agents received (all agents, all runs): what one call costs on the wire. */
export const received = { frames: 0, bytes: 0, byType: new Map<string, number>() };

export class BenchAgent {
  private socket!: WebSocket;
  private closed = false;
  /** Last status seen per call id, so each transition is reported once. */
  private readonly statuses = new Map<string, string>();

  constructor(
    readonly groupIndex: number,
    readonly memberIndex: number,
    private readonly events: AgentEvents,
  ) {}

  /** Connects with the token and resolves once the session is registered (online). */
  connect(wsUrl: string, token: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket = new WebSocket(`${wsUrl}?token=${encodeURIComponent(token)}`);
      this.socket.on('error', (error) => (this.closed ? undefined : reject(error)));
      this.socket.on('close', () => (this.closed = true));
      this.socket.on('message', (data: Buffer) => {
        received.frames++;
        received.bytes += data.length;
        const message = JSON.parse(data.toString()) as ServerMessage;
        received.byType.set(message.type, (received.byType.get(message.type) ?? 0) + 1);
        if (message.type === 'hello') this.send({ type: 'online' });
        else if (message.type === 'registered') resolve();
        else if (message.type === 'incoming_calls') this.receiveList(message.calls);
        else if (message.type === 'error') this.events.error(this, message);
      });
    });
  }

  send(message: object): void {
    this.socket.send(JSON.stringify(message));
  }

  /** Resolves once the server acknowledged the close. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close(1000);
    });
  }

  private receiveList(calls: CallView[]): void {
    const present = new Set<string>();
    for (const call of calls) {
      present.add(call.id);
      const key = `${call.status}:${call.endReason}`;
      if (this.statuses.get(call.id) === key) continue;
      this.statuses.set(call.id, key);
      if (call.status === 'ringing') this.events.ringing(this, call);
      else if (call.status === 'connected') this.events.connected(this, call);
      else if (call.endReason === 'answered_elsewhere') this.events.answeredElsewhere(this, call);
    }
    for (const callId of this.statuses.keys())
      if (!present.has(callId)) this.statuses.delete(callId);
  }
}

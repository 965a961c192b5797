/**
 * What a tab's socket (session-connection.ts) needs from call control: frames addressed to its
 * session, and a way to hand its commands to whoever owns its tenant's routing. In one process
 * that is this process (`LocalSessionBackend`); in a cluster it is the tenant's owner node,
 * reached through Redis (server/cluster).
 */
import type { ClientMessage } from '../../protocol/session-protocol.ts';
import type { EventBus, SessionListener } from '../routing/index.ts';
import type { OpenSession, SessionCommands, SessionEnd } from './session-commands.ts';

export interface SessionBackend {
  subscribe(sessionId: string, listener: SessionListener): () => void;
  open(tenantId: string, request: OpenSession): void;
  execute(tenantId: string, sessionId: string, message: ClientMessage): void;
  end(tenantId: string, sessionId: string, how: SessionEnd): void;
}

export class LocalSessionBackend implements SessionBackend {
  constructor(
    private readonly bus: EventBus,
    private readonly commands: SessionCommands,
    private readonly resumeMs: number,
  ) {}

  subscribe(sessionId: string, listener: SessionListener): () => void {
    return this.bus.subscribe(sessionId, listener);
  }
  open(_tenantId: string, request: OpenSession): void {
    this.commands.open(request, this.resumeMs);
  }
  execute(_tenantId: string, sessionId: string, message: ClientMessage): void {
    this.commands.execute(sessionId, message);
  }
  end(_tenantId: string, sessionId: string, how: SessionEnd): void {
    this.commands.end(sessionId, how);
  }
}

/** What the gateway (gateway.ts) is given: the backend, and the node's leaving (a cluster's rolling restart). */
export interface SessionGatewayServices {
  backend: SessionBackend;
  /** True while the node hands its tenants over: closing sockets detach their sessions. */
  draining(): boolean;
  /** Called when the node leaves: close every socket without ending its session. */
  onHandOver?(listener: () => void): void;
}

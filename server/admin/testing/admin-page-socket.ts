/**
 * An admin page's `/api/admin/changes` socket for tests: the change frames it got, in order,
 * each checked against the schema, and "wait until" on them (no fixed sleeps).
 */
import assert from 'node:assert/strict';
import { Value } from 'typebox/value';
import WebSocket from 'ws';
import { AdminMessage, type AdminSection } from '../../../protocol/admin-protocol.ts';
import { ConditionWaiters } from '../../test/condition-waiters.ts';

/** The changes socket of the node at `baseUrl` (http://host:port); no token: none in the URL. */
export const adminChangesUrl = (baseUrl: string, token?: string) =>
  `${baseUrl.replace(/^http/, 'ws')}/api/admin/changes${
    token === undefined ? '' : `?token=${encodeURIComponent(token)}`
  }`;

export class AdminPageSocket {
  readonly changes: AdminSection[][] = [];
  heartbeats = 0;
  closed: { code: number; reason: string } | null = null;
  private readonly waiters = new ConditionWaiters(() => JSON.stringify(this.changes));

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame: unknown = JSON.parse(data.toString());
      assert.ok(Value.Check(AdminMessage, frame), `frame fits the schema: ${data.toString()}`);
      if (frame.type === 'admin.heartbeat') this.heartbeats++;
      else this.changes.push(frame.sections);
      this.waiters.notify();
    });
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.waiters.notify();
    });
  }

  /** Resolves once the first heartbeat says the feed is live (or the server closed it). */
  static async open(url: string): Promise<AdminPageSocket> {
    const page = new AdminPageSocket(new WebSocket(url));
    await page.waitUntil(() => page.heartbeats > 0 || page.closed, 'first heartbeat or close');
    return page;
  }

  /** Every section heard of so far. */
  heard(): Set<AdminSection> {
    return new Set(this.changes.flat());
  }

  waitUntil<T>(
    condition: () => T | null | undefined | false,
    description: string,
    timeoutMs?: number,
  ): Promise<T> {
    return this.waiters.waitUntil(condition, description, timeoutMs);
  }

  async waitFor(section: AdminSection, timeoutMs?: number): Promise<void> {
    await this.waitUntil(() => this.heard().has(section), `a change to ${section}`, timeoutMs);
  }

  close(): void {
    this.socket.close();
  }
}

/**
 * Placing calls: turning an address into a target, creating the live call, queueing it and
 * ringing whoever is available. Lookups need the database, so `resolve` is async; `create` is
 * one synchronous routing step.
 */
import { randomUUID } from 'node:crypto';
import type { Party, RingGroupRef } from '../../protocol/session-protocol.ts';
import { groupAddress, privateAddress } from '../directory/directory.ts';
import { AppError } from '../shared/errors.ts';
import type { CallOrigin, CallTarget, LiveCall } from './live-state.ts';
import { callRow } from './call-views.ts';
import { setRoutingTimer, timerNames, type RoutingContext } from './routing-context.ts';
import type { RingGroupCache } from './ring-group-cache.ts';

export interface ResolvedTarget {
  to: Party;
  target: CallTarget;
  ringGroup: RingGroupRef | null;
  /** How long the caller may wait in all before the call ends `no_answer`. */
  maxWaitMs: number;
}

export interface NewCall {
  tenantId: string;
  origin: CallOrigin;
  from: Party;
  fromUserId: string | null;
  callerSessionId: string | null;
  params: Record<string, string>;
  /** Echoed on the caller's first `outgoing_call` frame. */
  requestId?: string;
  /** A warm transfer's consultation: the call being transferred. */
  consultationFor?: string;
}

const addressPattern = /^\/(private|group)\/(.+)$/;

export class Dialing {
  private sequence = 0;

  constructor(
    private readonly context: RoutingContext,
    private readonly ringGroups: RingGroupCache,
  ) {}

  async resolve(tenantId: string, address: string): Promise<ResolvedTarget> {
    const match = addressPattern.exec(address);
    if (!match)
      throw new AppError(
        'bad-request',
        `cannot dial "${address}": use /private/<username> or /group/<name>`,
      );
    const [, kind, name] = match as unknown as [string, 'private' | 'group', string];
    const { directory, config } = this.context;
    if (kind === 'private') {
      const user = await directory.userByUsername(tenantId, name);
      if (!user) throw new AppError('not-found', `nobody at ${address}`);
      return {
        to: { name: user.displayName, address: privateAddress(user.username) },
        target: { kind: 'user', userId: user.id },
        ringGroup: null,
        // A private call rings one person: it gives up after one ring timeout.
        maxWaitMs: config.ringTimeoutSeconds * 1000,
      };
    }
    const group = await this.ringGroups.byName(tenantId, name);
    if (!group) throw new AppError('not-found', `no ring group at ${address}`);
    return {
      to: { name: group.name, address: groupAddress(group.name) },
      target: {
        kind: 'group',
        groupId: group.id,
        memberIds: group.memberIds,
        ringTimeoutMs: group.ringTimeoutSeconds * 1000,
        retryIntervalMs: group.retryIntervalSeconds * 1000,
      },
      ringGroup: { id: group.id, name: group.name },
      maxWaitMs: group.maxWaitSeconds * 1000,
    };
  }

  create(request: NewCall, resolved: ResolvedTarget): LiveCall {
    const { store, queue, pushes, offers, lifecycle, records, scheduler } = this.context;
    const call: LiveCall = {
      id: randomUUID(),
      tenantId: request.tenantId,
      origin: request.origin,
      from: request.from,
      fromUserId: request.fromUserId,
      callerSessionId: request.callerSessionId,
      to: resolved.to,
      target: resolved.target,
      ringGroup: resolved.ringGroup,
      params: request.params,
      phase: 'waiting',
      attempt: 0,
      legs: new Map(),
      legHistory: [],
      answeredBy: null,
      endReason: null,
      maxWaitMs: resolved.maxWaitMs,
      redirect: null,
      transfer: null,
      consultationFor: request.consultationFor ?? null,
      heldAt: null,
      requeued: false,
      createdAt: scheduler.now(),
      sequence: ++this.sequence,
      ringingAt: null,
      answeredAt: null,
      endedAt: null,
    };
    store.putCall(call);
    queue.add(call);
    if (call.callerSessionId) store.session(call.callerSessionId)?.outboundCallIds.add(call.id);
    setRoutingTimer(this.context, timerNames.deadline(call.id), resolved.maxWaitMs, () =>
      lifecycle.endCall(call, 'no_answer'),
    );
    pushes.outgoingChanged(call, request.requestId);
    // Before offering: an offer that ends the call at once must reach observers after this.
    lifecycle.tellObserver('callPlaced', call);
    offers.offer(call);
    records.callCreated(callRow(call));
    return call;
  }
}

/**
 * Placing calls: turning an address into a target, creating the live call, queueing it and
 * ringing whoever is available. Lookups need the database, so `resolve` is async; `create` is
 * one synchronous routing step.
 */
import { MAX_SCRIPT_SECONDS, type MediaScript } from '../media-script/script-schema.ts';
import { randomUUID } from 'node:crypto';
import type { Party, RingGroupRef } from '../../protocol/session-protocol.ts';
import { groupAddress, privateAddress } from '../directory/directory.ts';
import { AppError } from '../shared/errors.ts';
import { formatForPeople, toE164 } from '../phone-numbers/phone-number-format.ts';
import type { Directory, RingGroupRecord } from '../directory/directory.ts';
import { isOpen } from './business-hours.ts';
import type { CallEnding } from './call-ending.ts';
import {
  noDeadlines,
  type CallOrigin,
  type CallTarget,
  type LiveCall,
} from './state/live-state.ts';
import type { RoutingState } from './state/routing-state.ts';
import type { CallQueue } from './call-queue.ts';
import type { RingGroupCache } from './ring-group-cache.ts';
import type { Ringing } from './ringing.ts';

export interface ResolvedTarget {
  to: Party;
  target: CallTarget;
  ringGroup: RingGroupRef | null;
  /** How long the caller may wait in all before the call ends `no_answer`. */
  maxWaitMs: number;
  /**
   * The group is closed (business hours, a holiday) and its closed treatment ends calls: the
   * call is placed and ends at once with reason `closed`, so it is recorded and the caller told.
   */
  closed?: boolean;
  /** The closed treatment is a script: the call is placed, rings nobody, and plays it first. */
  closedScript?: MediaScript;
}

/**
 * A closed-treatment script ends its call with `closed` itself (server/media-script); should it
 * never run (no encoder, a crash), routing ends the call this long after it was placed.
 */
export const CLOSED_SCRIPT_BACKSTOP_MS = (MAX_SCRIPT_SECONDS + 60) * 1000;

/** A closed group's treatment may send calls to another group, which may be closed too. */
const MAX_CLOSED_HOPS = 3;

export interface NewCall {
  tenantId: string;
  origin: CallOrigin;
  from: Party;
  fromUserId: string | null;
  callerSessionId: string | null;
  /** See LiveCall.placedByUserId. */
  placedByUserId?: string;
  params: Record<string, string>;
  /** Echoed on the caller's first `outgoing_call` frame. */
  requestId?: string;
  /** A warm transfer's consultation: the call being transferred. */
  consultationFor?: string;
  /** A warm transfer's consultation: who the call being transferred is with. */
  consultationAbout?: Party;
  /** Higher is offered first; default 0. */
  priority?: number;
  /** Skill name → minimum level. */
  requiredSkills?: Record<string, number>;
}

/**
 * How long a dialed phone may ring before LiveKit SIP gives up on it (its `ringingTimeout`);
 * routing's own maximum wait for such a call is a little longer, as a backstop.
 */
export const PHONE_RING_TIMEOUT_SECONDS = 30;
const PHONE_MAX_WAIT_MS = (PHONE_RING_TIMEOUT_SECONDS + 10) * 1000;

const addressPattern = /^\/(private|group)\/(.+)$/;

export class Dialing {
  private sequence = 0;

  constructor(
    private readonly state: RoutingState,
    private readonly directory: Directory,
    private readonly ringGroups: RingGroupCache,
    private readonly ringing: Ringing,
    private readonly queue: CallQueue,
    private readonly ending: CallEnding,
    private readonly privateRingTimeoutMs: number,
  ) {
    // Calls loaded from a snapshot keep their order ahead of new ones.
    for (const call of state.read.calls()) this.sequence = Math.max(this.sequence, call.sequence);
  }

  async resolve(tenantId: string, address: string): Promise<ResolvedTarget> {
    const match = addressPattern.exec(address);
    if (!match)
      throw new AppError(
        'bad-request',
        `cannot dial "${address}": use /private/<username> or /group/<name>`,
      );
    const [, kind, name] = match as unknown as [string, 'private' | 'group', string];
    if (kind === 'private') {
      const user = await this.directory.userByUsername(tenantId, name);
      if (!user) throw new AppError('not-found', `nobody at ${address}`);
      return {
        to: { name: user.displayName, address: privateAddress(user.username) },
        target: { kind: 'user', userId: user.id },
        ringGroup: null,
        // A private call rings one person: it gives up after one ring timeout.
        maxWaitMs: this.privateRingTimeoutMs,
      };
    }
    const group = await this.ringGroups.byName(tenantId, name);
    if (!group) throw new AppError('not-found', `no ring group at ${address}`);
    return this.resolveGroup(tenantId, group);
  }

  /** The group as it rings now: open, or its closed treatment; its overflow group's members. */
  private async resolveGroup(
    tenantId: string,
    group: RingGroupRecord,
    hops = 0,
  ): Promise<ResolvedTarget> {
    const hours = group.businessHours;
    if (hours && !isOpen(hours, await this.directory.timeZone(tenantId), this.state.now())) {
      const elsewhere =
        hours.closed.action === 'group' && hours.closed.ringGroupId && hops < MAX_CLOSED_HOPS
          ? await this.directory.ringGroup(tenantId, hours.closed.ringGroupId)
          : null;
      if (elsewhere) return this.resolveGroup(tenantId, elsewhere, hops + 1);
      // Ended with reason `closed`; a script treatment is played to the caller first.
      const script = hours.closed.action === 'script' ? hours.closed.script : undefined;
      return {
        ...this.groupTarget(group, null),
        closed: true,
        ...(script ? { closedScript: structuredClone(script) } : {}),
      };
    }
    const overflow = group.overflow
      ? await this.directory.ringGroup(tenantId, group.overflow.ringGroupId)
      : null;
    return this.groupTarget(
      group,
      overflow && group.overflow
        ? { memberIds: overflow.memberIds, delayMs: group.overflow.delaySeconds * 1000 }
        : null,
    );
  }

  private groupTarget(
    group: RingGroupRecord,
    overflow: { memberIds: string[]; delayMs: number } | null,
  ): ResolvedTarget {
    return {
      to: { name: group.name, address: groupAddress(group.name) },
      target: {
        kind: 'group',
        groupId: group.id,
        memberIds: group.memberIds,
        ringTimeoutMs: group.ringTimeoutSeconds * 1000,
        retryIntervalMs: group.retryIntervalSeconds * 1000,
        ...(group.strategy ? { strategy: group.strategy } : {}),
        ...(overflow ? { overflow } : {}),
        ...(group.wrapUpSeconds !== undefined ? { wrapUpMs: group.wrapUpSeconds * 1000 } : {}),
      },
      ringGroup: { id: group.id, name: group.name },
      maxWaitMs: group.maxWaitSeconds * 1000,
    };
  }

  /**
   * A phone number an agent dials (server/sip places it through LiveKit SIP). `number` must be
   * a valid international number.
   */
  resolvePhone(number: string): ResolvedTarget {
    const e164 = toE164(number);
    if (!e164)
      throw new AppError(
        'bad-request',
        `cannot dial "${number}": not a valid international phone number (start it with + and the country code)`,
      );
    return {
      to: { name: formatForPeople(e164), address: e164 },
      target: { kind: 'phone', number: e164 },
      ringGroup: null,
      maxWaitMs: PHONE_MAX_WAIT_MS,
    };
  }

  /**
   * Places the call: queued, its maximum wait running, ringing whoever is available. A call to
   * a phone rings nobody here: only its maximum wait runs until the phone answers.
   */
  create(request: NewCall, resolved: ResolvedTarget): LiveCall {
    const { state } = this;
    const call: LiveCall = {
      id: randomUUID(),
      tenantId: request.tenantId,
      origin: request.origin,
      from: request.from,
      fromUserId: request.fromUserId,
      callerSessionId: request.callerSessionId,
      ...(request.placedByUserId ? { placedByUserId: request.placedByUserId } : {}),
      to: resolved.to,
      target: resolved.target,
      ringGroup: resolved.ringGroup,
      params: request.params,
      phase: 'waiting',
      attempt: 0,
      roundFirstAttempt: 1,
      priority: request.priority ?? 0,
      ...(request.requiredSkills && Object.keys(request.requiredSkills).length > 0
        ? { requiredSkills: { ...request.requiredSkills } }
        : {}),
      ...(resolved.closed && resolved.closedScript
        ? { closedScript: structuredClone(resolved.closedScript) }
        : {}),
      legs: [],
      answeredBy: null,
      endReason: null,
      maxWaitMs: resolved.maxWaitMs,
      redirect: null,
      transfer: null,
      consultationFor: request.consultationFor ?? null,
      consultationAbout: request.consultationAbout ?? null,
      heldAt: null,
      heldMs: 0,
      queued: false,
      requeued: false,
      createdAt: state.now(),
      sequence: ++this.sequence,
      ringingAt: null,
      answeredAt: null,
      endedAt: null,
      deadlines: noDeadlines(),
    };
    state.apply({
      type: 'callPlaced',
      tenantId: call.tenantId,
      call,
      requestId: request.requestId,
    });
    const placed = state.read.call(call.id)!;
    if (resolved.closed && placed.closedScript) {
      // Rings nobody: media-script plays it to the caller, then ends the call `closed`.
      state.setDeadline(
        { kind: 'call', callId: call.id, name: 'maxWait' },
        CLOSED_SCRIPT_BACKSTOP_MS,
      );
      return placed;
    }
    if (resolved.closed) {
      this.ending.endCall(placed, 'closed');
      return placed;
    }
    if (placed.target.kind !== 'phone') this.queue.add(placed);
    state.setDeadline({ kind: 'call', callId: call.id, name: 'maxWait' }, resolved.maxWaitMs);
    const overflow = resolved.target.kind === 'group' ? resolved.target.overflow : undefined;
    if (overflow)
      state.setDeadline({ kind: 'call', callId: call.id, name: 'overflow' }, overflow.delayMs);
    if (placed.target.kind !== 'phone') this.ringing.offer(placed);
    return placed;
  }
}

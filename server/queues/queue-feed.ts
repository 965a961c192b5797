/**
 * Pushes each tab the live queues of its agent's ring groups (`queues` frames), so an agent sees
 * when the floor needs them whatever their own presence. Like the supervisor feed it is never
 * polled: routing reports every step's transitions; the feed waits a moment per tenant
 * (coalescing a burst), recomputes each of the tenant's tabs' views and sends a tab a frame only
 * when its view changed; a new tab (connected or resumed) is sent its agent's groups at once.
 *
 * Each tab sees only the groups its own agent belongs to, in its own tenant.
 */
import type { GroupQueueView } from '../../protocol/session-protocol.ts';
import { withFrameText, type CallRouter, type RoutingTransition } from '../routing/index.ts';
import { systemScheduler, type CancelTimer, type Scheduler } from '../shared/scheduler.ts';
import { groupQueueBases, viewFor, type QueueGroup } from './group-queues.ts';

const EMPTY = JSON.stringify([]);
/** What a tab of an adopted tenant was last sent: another owner's frame, so it matches no view. */
const UNKNOWN = '';

export interface QueueFeedOptions {
  /** How long changes gather before the tenant's tabs are recomputed. */
  coalesceMs?: number;
  /** Ring groups are read again when older than this (a membership change shows within it). */
  groupsMaxAgeMs?: number;
  scheduler?: Scheduler;
  log: { error(details: object, message: string): void };
}

interface TenantQueues {
  groups: QueueGroup[];
  /** Each member's groups, in the order of `groups` (by name). */
  groupsByUser: Map<string, QueueGroup[]>;
  groupsReadAt: number;
  /**
   * Each group's view at the last recompute (JSON, the member's own entry included): a tab whose
   * groups all look the same as then, and which was brought up to date then, is skipped.
   */
  bases: Map<string, string>;
  /** What each of the tenant's tabs was last sent (JSON), by session id. */
  sent: Map<string, string>;
  /** Tabs opened or resumed since the last recompute (session id → user id): they hear first. */
  fresh: Map<string, string>;
  timer: CancelTimer | null;
  /** Each recompute runs after the previous one, so frames never overtake each other. */
  work: Promise<void>;
}

export class QueueFeed {
  private readonly tenants = new Map<string, TenantQueues>();
  private readonly coalesceMs: number;
  private readonly groupsMaxAgeMs: number;
  private readonly scheduler: Scheduler;
  private router: CallRouter | null = null;
  private stopObserving: (() => void) | null = null;

  constructor(
    private readonly repository: { groups(tenantId: string): Promise<QueueGroup[]> },
    private readonly options: QueueFeedOptions,
  ) {
    this.coalesceMs = options.coalesceMs ?? 100;
    this.groupsMaxAgeMs = options.groupsMaxAgeMs ?? 5000;
    this.scheduler = options.scheduler ?? systemScheduler;
  }

  attach(router: CallRouter): void {
    this.router = router;
    this.stopObserving = router.observeTransitions((transitions) => this.stepped(transitions));
  }

  close(): void {
    this.stopObserving?.();
    for (const tenant of this.tenants.values()) tenant.timer?.();
    this.tenants.clear();
  }

  /** A ring group was written: the next recompute reads the groups again. */
  groupsChanged(tenantId: string): void {
    const tenant = this.tenants.get(tenantId);
    if (!tenant) return;
    tenant.groupsReadAt = -Infinity;
    this.schedule(tenantId, tenant);
  }

  /**
   * The tenant went to another node: what this feed sent its tabs is overtaken by the new
   * owner's frames, so none of it may decide what to skip if the tenant comes back.
   */
  forgetTenant(tenantId: string): void {
    this.tenants.get(tenantId)?.timer?.();
    this.tenants.delete(tenantId);
  }

  /**
   * This node took the tenant over: its tabs last heard another owner, so each is worked out
   * afresh and sent its view, even an empty one (routing reports no step for an adoption).
   */
  tenantAdopted(tenantId: string): void {
    this.forgetTenant(tenantId);
    const tenant = this.tenantOf(tenantId);
    for (const session of this.router?.sessionsOf(tenantId) ?? [])
      tenant.sent.set(session.id, UNKNOWN);
    this.schedule(tenantId, tenant);
  }

  private stepped(transitions: readonly RoutingTransition[]): void {
    const touched = new Set<string>();
    for (const transition of transitions) {
      if (transition.type === 'deadlineSet' || transition.type === 'deadlineCleared') continue;
      touched.add(transition.tenantId);
      // A resumed tab has a new socket that has not heard its queues yet.
      if (transition.type === 'sessionResumed') {
        const tenant = this.tenantOf(transition.tenantId);
        tenant.sent.delete(transition.sessionId);
        tenant.fresh.set(transition.sessionId, transition.userId);
      } else if (transition.type === 'sessionOpened') {
        const { session } = transition;
        this.tenantOf(transition.tenantId).fresh.set(session.id, session.userId);
      } else if (transition.type === 'sessionClosed') {
        const tenant = this.tenantOf(transition.tenantId);
        tenant.sent.delete(transition.sessionId);
        tenant.fresh.delete(transition.sessionId);
      }
    }
    for (const tenantId of touched) this.schedule(tenantId, this.tenantOf(tenantId));
  }

  private tenantOf(tenantId: string): TenantQueues {
    let tenant = this.tenants.get(tenantId);
    if (!tenant) {
      tenant = {
        groups: [],
        groupsByUser: new Map(),
        groupsReadAt: -Infinity,
        bases: new Map(),
        sent: new Map(),
        fresh: new Map(),
        timer: null,
        work: Promise.resolve(),
      };
      this.tenants.set(tenantId, tenant);
    }
    return tenant;
  }

  private schedule(tenantId: string, tenant: TenantQueues): void {
    if (tenant.timer) return;
    tenant.timer = this.scheduler.schedule(this.coalesceMs, () => {
      tenant.timer = null;
      tenant.work = tenant.work
        .then(() => this.push(tenantId, tenant))
        .catch((error: unknown) =>
          this.options.log.error({ err: error, tenantId }, 'queue view update failed'),
        );
    });
  }

  private async push(tenantId: string, tenant: TenantQueues): Promise<void> {
    const router = this.router;
    // Forgotten meanwhile (the tenant left this node): its new owner tells the tabs.
    if (!router || this.tenants.get(tenantId) !== tenant) return;
    if (router.sessionsOf(tenantId).length === 0) {
      // Nobody left to tell: forget the tenant (its next tab starts afresh).
      if (!tenant.timer) this.tenants.delete(tenantId);
      return;
    }
    const now = this.scheduler.now();
    let everyTab = false;
    if (now - tenant.groupsReadAt > this.groupsMaxAgeMs) {
      tenant.groups = await this.repository.groups(tenantId);
      tenant.groupsReadAt = now;
      tenant.groupsByUser = new Map();
      for (const group of tenant.groups)
        for (const memberId of group.memberIds) {
          const groups = tenant.groupsByUser.get(memberId);
          if (groups) groups.push(group);
          else tenant.groupsByUser.set(memberId, [group]);
        }
      // Memberships may have changed: every tab is worked out afresh.
      tenant.bases.clear();
      everyTab = true;
    }
    const bases = groupQueueBases(tenant.groups, router.liveCallsOf(tenantId), (userId) =>
      router.agentStateOf(tenantId, userId),
    );
    const changed = new Set<string>();
    for (const [groupId, base] of bases) {
      const json = JSON.stringify(base);
      if (tenant.bases.get(groupId) === json) continue;
      tenant.bases.set(groupId, json);
      changed.add(groupId);
    }
    const byUser = new Map<string, { json: string; groups: GroupQueueView[] }>();
    const bring = (sessionId: string, userId: string) => {
      const userGroups = tenant.groupsByUser.get(userId) ?? [];
      let view = byUser.get(userId);
      if (!view) {
        const groups = userGroups.map((group) => viewFor(bases.get(group.id)!, userId));
        byUser.set(userId, (view = { json: JSON.stringify(groups), groups }));
      }
      // A tab never told anything has an empty view: an agent in no group gets no frame.
      if ((tenant.sent.get(sessionId) ?? EMPTY) === view.json) return;
      tenant.sent.set(sessionId, view.json);
      // The view's JSON is in hand: the socket sends it as it is rather than serialising again.
      router.bus.publish(
        sessionId,
        withFrameText(
          { type: 'queues', groups: view.groups },
          `{"type":"queues","groups":${view.json}}`,
        ),
      );
    };
    const fresh = [...tenant.fresh];
    tenant.fresh.clear();
    // Read after the groups' query: tabs may have come and gone meanwhile.
    const sessions = router.sessionsOf(tenantId);
    if (everyTab) {
      const open = new Set<string>();
      for (const session of sessions) {
        open.add(session.id);
        bring(session.id, session.userId);
      }
      for (const sessionId of tenant.sent.keys())
        if (!open.has(sessionId)) tenant.sent.delete(sessionId);
      return;
    }
    // Every other tab was brought up to date at the last recompute: only new tabs and the tabs
    // of members of groups that changed can see something new (a call touches one group, so
    // with 1,000 agents this is 20 tabs, not 1,000).
    if (fresh.length > 0) {
      const open = new Set(sessions.map((session) => session.id));
      for (const [sessionId, userId] of fresh) if (open.has(sessionId)) bring(sessionId, userId);
    }
    const members = new Set<string>();
    for (const groupId of changed)
      for (const memberId of bases.get(groupId)?.group.memberIds ?? []) members.add(memberId);
    for (const userId of members)
      for (const sessionId of router.agentStateOf(tenantId, userId)?.sessionIds ?? [])
        bring(sessionId, userId);
  }
}

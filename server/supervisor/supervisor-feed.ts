/**
 * The supervisor feed's engine. For each tenant someone watches it keeps today's ended calls,
 * the people and groups, and what it last sent; when routing reports that a step touched the
 * tenant it waits a moment (coalescing bursts), recomputes the views and sends each watcher only
 * what changed. A late joiner gets a whole snapshot at once.
 *
 * Routing tells it about changes through `CallRouter.observeChanges` (never polled) and about
 * ended calls through `CallEvents.callEnded`, which is how today's figures grow without
 * reading the database again.
 */
import type { SupervisorChanges, SupervisorMessage } from '../../protocol/supervisor-protocol.ts';
import type { CallEvents, CallRouter, LiveCall, RoutingChange } from '../routing/index.ts';
import {
  agentView,
  answeringLeg,
  callView,
  currentPart,
  endedCallFact,
  groupView,
  legCountsByUser,
  startOfUtcDay,
  takesCalls,
  WaitingHistory,
} from './supervisor-views.ts';
import type {
  AgentTimes,
  EndedCallFact,
  SupervisorRepository,
  TenantGroup,
  TenantPerson,
} from './supervisor-repository.ts';
import { systemScheduler, type CancelTimer, type Scheduler } from '../shared/scheduler.ts';

export interface FeedSubscriber {
  send(message: SupervisorMessage): void;
}

export interface SupervisorFeedOptions {
  /** How long changes gather before one frame goes out (per tenant). */
  coalesceMs?: number;
  /** People and groups are read again when older than this. */
  directoryMaxAgeMs?: number;
  /** Called before reading today's calls, so records still queued for writing are included. */
  flushRecords: () => Promise<void>;
  /** Told to clients in the snapshot: seconds between the feed's heartbeats. */
  heartbeatSeconds: number;
  /** The clock and the coalescing timer; the system's unless a test drives time itself. */
  scheduler?: Scheduler;
  log: { error(details: object, message: string): void };
}

interface TenantWatch {
  tenantId: string;
  tenantName: string;
  subscribers: Set<FeedSubscriber>;
  /** Today's ended calls by id; from the database once, then from callEnded. */
  facts: Map<string, EndedCallFact>;
  factsDay: number;
  people: TenantPerson[];
  groups: TenantGroup[];
  directoryReadAt: number;
  history: WaitingHistory;
  /** Each agent's finished talk, hold and handle time today, read from the records. */
  times: Map<string, AgentTimes>;
  /** A call ended or an agent's wrap-up did since `times` was read: read them again. */
  timesStale: boolean;
  /** Agents in after-call work at the last computation (one leaving it makes `times` stale). */
  inWrapUp: Set<string>;
  /** `${callId}/${userId}` → the call's finished hold when that agent's part began. */
  holdBefore: Map<string, number>;
  sentCalls: Map<string, string>;
  sentAgents: Map<string, string>;
  sentGroups: string;
  /** Cancels the coalescing timer while one runs. */
  timer: CancelTimer | null;
  /** Every read-compute-send runs after the previous one, so frames never overtake each other. */
  work: Promise<void>;
}

interface Views {
  calls: Map<string, ReturnType<typeof callView> & object>;
  agents: Map<string, ReturnType<typeof agentView>>;
  groups: ReturnType<typeof groupView>[];
}

export class SupervisorFeed implements CallEvents {
  private readonly watches = new Map<string, TenantWatch>();
  /** When each agent's presence last changed, `${tenantId}/${userId}` → epoch ms. */
  private readonly presenceSince = new Map<string, number>();
  private router: CallRouter | null = null;
  private stopObserving: (() => void) | null = null;
  private readonly coalesceMs: number;
  private readonly directoryMaxAgeMs: number;
  private readonly scheduler: Scheduler;

  constructor(
    private readonly repository: SupervisorRepository,
    private readonly options: SupervisorFeedOptions,
  ) {
    this.coalesceMs = options.coalesceMs ?? 150;
    this.directoryMaxAgeMs = options.directoryMaxAgeMs ?? 5000;
    this.scheduler = options.scheduler ?? systemScheduler;
  }

  attach(router: CallRouter): void {
    this.router = router;
    this.stopObserving = router.observeChanges((change) => this.routingChanged(change));
  }

  close(): void {
    this.stopObserving?.();
    for (const watch of this.watches.values()) watch.timer?.();
    this.watches.clear();
  }

  // ------------------------------------------------------------------ CallEvents

  callAnswered(): void {}

  callEnded(call: LiveCall): void {
    const watch = this.watches.get(call.tenantId);
    if (!watch) return;
    watch.facts.set(call.id, endedCallFact(call));
    watch.timesStale = true;
  }

  // ------------------------------------------------------------------ watching

  /** Sends the tenant's snapshot to `subscriber`, then its changes until the returned function is called. */
  async subscribe(
    tenant: { id: string; name: string },
    subscriber: FeedSubscriber,
  ): Promise<() => void> {
    const watch = this.watchOf(tenant);
    await this.enqueue(watch, async () => {
      const views = await this.computeViews(watch);
      // Those already watching get the difference first, so "last sent" is current for all.
      this.sendChanges(watch, views);
      subscriber.send({
        type: 'supervisor.snapshot',
        at: this.scheduler.now(),
        tenant: { id: watch.tenantId, name: watch.tenantName },
        heartbeatSeconds: this.options.heartbeatSeconds,
        calls: [...views.calls.values()],
        agents: [...views.agents.values()],
        groups: views.groups,
      });
      watch.subscribers.add(subscriber);
    });
    return () => {
      watch.subscribers.delete(subscriber);
    };
  }

  private watchOf(tenant: { id: string; name: string }): TenantWatch {
    let watch = this.watches.get(tenant.id);
    if (!watch) {
      watch = {
        tenantId: tenant.id,
        tenantName: tenant.name,
        subscribers: new Set(),
        facts: new Map(),
        factsDay: -1,
        people: [],
        groups: [],
        directoryReadAt: -Infinity,
        history: new WaitingHistory(),
        times: new Map(),
        timesStale: true,
        inWrapUp: new Set(),
        holdBefore: new Map(),
        sentCalls: new Map(),
        sentAgents: new Map(),
        sentGroups: '',
        timer: null,
        work: Promise.resolve(),
      };
      this.watches.set(tenant.id, watch);
    }
    return watch;
  }

  private routingChanged(change: RoutingChange): void {
    const now = this.scheduler.now();
    for (const agent of change.presenceChanged)
      this.presenceSince.set(`${agent.tenantId}/${agent.userId}`, now);
    for (const tenantId of change.tenantIds) {
      const watch = this.watches.get(tenantId);
      if (watch && watch.subscribers.size > 0 && !watch.timer) {
        watch.timer = this.scheduler.schedule(this.coalesceMs, () => {
          watch.timer = null;
          void this.enqueue(watch, async () =>
            this.sendChanges(watch, await this.computeViews(watch)),
          );
        });
      }
    }
  }

  private enqueue(watch: TenantWatch, work: () => Promise<void>): Promise<void> {
    const run = watch.work.then(work);
    watch.work = run.catch((error: unknown) =>
      this.options.log.error(
        { err: error, tenantId: watch.tenantId },
        'supervisor feed update failed',
      ),
    );
    return run;
  }

  private async refresh(watch: TenantWatch): Promise<void> {
    const now = this.scheduler.now();
    const today = startOfUtcDay(now);
    if (watch.factsDay !== today) {
      // A new day (or the first look): today's figures start from what the records hold.
      await this.options.flushRecords();
      const stored = await this.repository.endedCallsSince(watch.tenantId, today);
      for (const [id, fact] of watch.facts) if (fact.endedAt < today) watch.facts.delete(id);
      for (const fact of stored) if (!watch.facts.has(fact.id)) watch.facts.set(fact.id, fact);
      watch.factsDay = today;
    }
    if (now - watch.directoryReadAt > this.directoryMaxAgeMs) {
      [watch.people, watch.groups] = await Promise.all([
        this.repository.people(watch.tenantId),
        this.repository.groups(watch.tenantId),
      ]);
      watch.directoryReadAt = now;
    }
    if (watch.timesStale) {
      // Cleared first: a call ending while the records are read marks them stale again.
      watch.timesStale = false;
      await this.options.flushRecords();
      const day = new Date(today).toISOString().slice(0, 10);
      watch.times = await this.repository.agentTimesOn(watch.tenantId, day);
    }
  }

  private async computeViews(watch: TenantWatch): Promise<Views> {
    const router = this.router!;
    // An agent whose after-call work ended has a new handle time in the records.
    const inWrapUp = new Set(
      watch.people
        .filter((person) => router.agentStateOf(watch.tenantId, person.id)?.wrapUp)
        .map((person) => person.id),
    );
    for (const userId of watch.inWrapUp) if (!inWrapUp.has(userId)) watch.timesStale = true;
    watch.inWrapUp = inWrapUp;
    await this.refresh(watch);
    const now = this.scheduler.now();
    const liveCalls = router.liveCallsOf(watch.tenantId);
    const names = new Map(watch.people.map((person) => [person.id, person.name]));
    const nameOf = (userId: string) =>
      names.get(userId) ?? router.agentStateOf(watch.tenantId, userId)?.name ?? userId;

    const calls = new Map<string, NonNullable<ReturnType<typeof callView>>>();
    for (const call of liveCalls) {
      const view = callView(call, nameOf, (userId) => router.agentStateOf(watch.tenantId, userId));
      if (view) calls.set(view.id, view);
    }
    const members = new Set(watch.groups.flatMap((group) => group.memberIds));
    const counts = legCountsByUser(watch.facts.values(), liveCalls);
    const agents = new Map<string, ReturnType<typeof agentView>>();
    const answerers = new Map(liveCalls.map((call) => [call.id, call.answeredBy?.id]));
    const byId = new Map(liveCalls.map((call) => [call.id, call]));
    const holdBefore = new Map<string, number>();
    const partOf = (userId: string, callId: string | null) => {
      const call = callId === null ? undefined : byId.get(callId);
      const leg = call && answeringLeg(call, userId);
      if (!call || !leg) return null;
      const key = `${call.id}/${userId}`;
      // First seen: the first agent to answer had all of the call's hold; a later one (after
      // a transfer) none of what is already over.
      const before =
        watch.holdBefore.get(key) ?? (leg.answeredAt === call.answeredAt ? 0 : call.heldMs);
      holdBefore.set(key, before);
      return currentPart(call, userId, before);
    };
    for (const person of watch.people) {
      const state = router.agentStateOf(watch.tenantId, person.id);
      if (!takesCalls(person.id, members, state, counts)) continue;
      const view = agentView(
        person,
        state,
        this.presenceSince.get(`${watch.tenantId}/${person.id}`) ?? null,
        counts.get(person.id),
        (callId) => answerers.get(callId),
        watch.times.get(person.id),
      );
      view.currentCall = partOf(person.id, view.currentCallId);
      agents.set(person.id, view);
    }
    // Parts no longer in progress are forgotten.
    watch.holdBefore = holdBefore;
    const groups = watch.groups.map((group) =>
      groupView(
        group,
        now,
        watch.facts.values(),
        liveCalls,
        watch.history,
        group.serviceLevelSeconds,
      ),
    );
    return { calls, agents, groups };
  }

  /** Sends the difference between `views` and what was sent last, and remembers `views` as sent. */
  private sendChanges(watch: TenantWatch, views: Views): void {
    const changes: SupervisorChanges = {
      type: 'supervisor.changes',
      at: this.scheduler.now(),
      calls: { upsert: [], remove: [] },
      agents: { upsert: [], remove: [] },
      groups: [],
    };
    const diff = <View extends { id: string }>(
      current: Map<string, View>,
      sent: Map<string, string>,
      into: { upsert: View[]; remove: string[] },
    ) => {
      for (const [id, view] of current) {
        const json = JSON.stringify(view);
        if (sent.get(id) !== json) {
          into.upsert.push(view);
          sent.set(id, json);
        }
      }
      for (const id of sent.keys()) {
        if (!current.has(id)) {
          into.remove.push(id);
          sent.delete(id);
        }
      }
    };
    diff(views.calls, watch.sentCalls, changes.calls);
    diff(views.agents, watch.sentAgents, changes.agents);
    const groupsJson = JSON.stringify(views.groups);
    const groupsChanged = groupsJson !== watch.sentGroups;
    watch.sentGroups = groupsJson;
    if (groupsChanged) changes.groups = views.groups;
    const empty =
      !groupsChanged &&
      changes.calls.upsert.length + changes.calls.remove.length === 0 &&
      changes.agents.upsert.length + changes.agents.remove.length === 0;
    if (empty) return;
    for (const subscriber of watch.subscribers) {
      // One broken socket must not keep the frame from the other watchers.
      try {
        subscriber.send(changes);
      } catch (error) {
        this.options.log.error({ err: error }, 'supervisor feed send failed');
      }
    }
  }
}

/**
 * A CallRouter on a manual clock, for unit tests of routing rules that depend on time (ring
 * timeouts, retries, maximum wait, lingering). People and groups live in a small in-memory
 * Directory; records are the rows the records side projects (calls/call-rows.ts), collected
 * instead of written; each "tab" is a session whose pushes are kept the way a client would
 * keep them.
 */
import type { CallView, Presence, ServerMessage } from '../../../protocol/session-protocol.ts';
import type { CallRow, LegRow } from '../../calls/call-repository.ts';
import { recordChanges } from '../../calls/call-rows.ts';
import type { Config } from '../../config.ts';
import type { Directory, RingGroupRecord, UserRecord } from '../../directory/directory.ts';
import { ManualScheduler } from '../../test/manual-scheduler.ts';
import { CallRouter, type CallRouterDependencies } from '../call-router.ts';
import type { RoutingTransition } from '../state/transitions.ts';

class MemoryDirectory implements Directory {
  readonly users: UserRecord[] = [];
  readonly groups: RingGroupRecord[] = [];
  /** The tenant's time zone (business hours). */
  tenantTimeZone = 'UTC';
  async tenant(tenantId: string) {
    return { id: tenantId, name: tenantId };
  }
  async timeZone() {
    return this.tenantTimeZone;
  }
  async user(tenantId: string, userId: string) {
    return this.users.find((user) => user.tenantId === tenantId && user.id === userId) ?? null;
  }
  async userByUsername(tenantId: string, username: string) {
    return (
      this.users.find((user) => user.tenantId === tenantId && user.username === username) ?? null
    );
  }
  async ringGroup(tenantId: string, id: string) {
    return this.groups.find((group) => group.tenantId === tenantId && group.id === id) ?? null;
  }
  async ringGroupByName(tenantId: string, name: string) {
    return this.groups.find((group) => group.tenantId === tenantId && group.name === name) ?? null;
  }
  async ringGroupsOfUser(tenantId: string, userId: string) {
    return this.groups.filter(
      (group) => group.tenantId === tenantId && group.memberIds.includes(userId),
    );
  }
}

/** The rows the records side would write, and every transition routing applied. */
class CollectedRecords {
  readonly created: CallRow[] = [];
  readonly answered: CallRow[] = [];
  readonly ended: { call: CallRow; legs: LegRow[] }[] = [];
  readonly transitions: RoutingTransition[] = [];

  constructor(router: CallRouter, now: () => number) {
    router.observeTransitions((transitions, state) => {
      this.transitions.push(...transitions);
      for (const change of recordChanges(transitions, (id) => state.call(id), now())) {
        if (change.kind === 'created') this.created.push(change.call);
        else if (change.kind === 'answered') this.answered.push(change.call);
        else if (change.kind === 'ended') this.ended.push({ call: change.call, legs: change.legs });
      }
    });
  }
}

/** One session as its client sees it. */
export class Tab {
  calls: CallView[] = [];
  presence: Presence = 'offline';
  readonly outgoing = new Map<string, CallView>();
  readonly frames: ServerMessage[] = [];
  constructor(
    readonly sessionId: string,
    readonly user: UserRecord,
  ) {}
  receive(message: ServerMessage) {
    this.frames.push(message);
    if (message.type === 'incoming_calls') this.calls = message.calls;
    if (message.type === 'presence') this.presence = message.presence;
    if (message.type === 'outgoing_call') this.outgoing.set(message.call.id, message.call);
  }
  call(callId: string) {
    return this.calls.find((call) => call.id === callId);
  }
}

export const TENANT = 'tenant-1';

export interface RouterFixtureOptions extends Pick<
  CallRouterDependencies,
  'snapshot' | 'strategies'
> {
  /** Another fixture's clock (a second router taking over the first one's state). */
  scheduler?: ManualScheduler;
}

export function routerFixture(
  configOverrides: Partial<Config> = {},
  { scheduler = new ManualScheduler(), ...routerOptions }: RouterFixtureOptions = {},
) {
  const directory = new MemoryDirectory();
  const config = {
    ringTimeoutSeconds: 20,
    maxQueueWaitSeconds: 600,
    retryIntervalSeconds: 5,
    endedCallLingerMs: 4000,
    heartbeatSeconds: 3,
    ...configOverrides,
  } as Config;
  const router = new CallRouter({
    config,
    directory,
    scheduler,
    log: { error: (details, message) => assertNever(message, details) },
    ...routerOptions,
  });
  const records = new CollectedRecords(router, () => scheduler.now());
  let sessions = 0;
  const subscribe = (tab: Tab) =>
    router.bus.subscribe(tab.sessionId, (message) => tab.receive(message));

  return {
    router,
    scheduler,
    records,
    config,
    directory,
    addUser(username: string, displayName = username): UserRecord {
      const user: UserRecord = {
        id: `user-${username}`,
        tenantId: TENANT,
        reference: `${username}@test`,
        username,
        displayName,
        role: 'agent',
      };
      directory.users.push(user);
      return user;
    },
    addGroup(
      name: string,
      members: UserRecord[],
      timings: Partial<RingGroupRecord> = {},
    ): RingGroupRecord {
      const group: RingGroupRecord = {
        id: `group-${name}`,
        tenantId: TENANT,
        name,
        memberIds: members.map((member) => member.id),
        ringTimeoutSeconds: 20,
        maxWaitSeconds: 600,
        retryIntervalSeconds: 5,
        ...timings,
      };
      directory.groups.push(group);
      return group;
    },
    /** Opens a session for the user; `online` also comes online. */
    openTab(user: UserRecord, { online = true } = {}): Tab {
      const tab = new Tab(`session-${++sessions}`, user);
      subscribe(tab);
      router.openSession(tab.sessionId, TENANT, user);
      if (online) router.comeOnline(tab.sessionId);
      return tab;
    },
    /** A tab of a session this router took over from another (a snapshot): its frames from now on. */
    adoptTab(sessionId: string, user: UserRecord): Tab {
      const tab = new Tab(sessionId, user);
      subscribe(tab);
      return tab;
    },
    /** Lets pending promises (directory lookups) settle. */
    settle: () => new Promise<void>((resolve) => setImmediate(resolve)),
  };
}

function assertNever(message: string, details: object): never {
  throw new Error(`router logged an error: ${message} ${JSON.stringify(details)}`);
}

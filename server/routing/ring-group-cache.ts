/**
 * Ring groups as routing reads them, kept for a few seconds. Every group call needs its group
 * and members; reading them from the database for each call costs more CPU than the routing
 * itself (the embedded engine runs on the same thread). A group written through the API is
 * forgotten at once when the writer calls `forget`; otherwise a change reaches routing within
 * the time-to-live. Missing groups are not cached, so a new group is dialable immediately.
 */
import type { Directory, RingGroupRecord } from '../directory/directory.ts';
import type { Scheduler } from '../shared/scheduler.ts';

export const RING_GROUP_CACHE_TTL_MS = 5000;

export class RingGroupCache {
  private readonly entries = new Map<string, { group: RingGroupRecord; fetchedAt: number }>();

  constructor(
    private readonly directory: Directory,
    private readonly scheduler: Scheduler,
    private readonly ttlMs = RING_GROUP_CACHE_TTL_MS,
  ) {}

  async byName(tenantId: string, name: string): Promise<RingGroupRecord | null> {
    const key = `${tenantId}/${name}`;
    const cached = this.entries.get(key);
    if (cached && this.scheduler.now() - cached.fetchedAt < this.ttlMs) return cached.group;
    const group = await this.directory.ringGroupByName(tenantId, name);
    if (group) this.remember(group);
    else this.entries.delete(key);
    return group;
  }

  /** Keeps a group read elsewhere (fresher than what may be cached). */
  remember(group: RingGroupRecord): void {
    this.entries.set(`${group.tenantId}/${group.name}`, { group, fetchedAt: this.scheduler.now() });
  }

  /** Forgets every cached group of the tenant, after any ring group write. */
  forget(tenantId: string): void {
    for (const key of this.entries.keys())
      if (key.startsWith(`${tenantId}/`)) this.entries.delete(key);
  }
}

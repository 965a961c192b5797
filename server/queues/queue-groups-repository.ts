/** The tenant's ring groups with their members, as the queue view reads them (tenant-scoped). */
import type { Database } from '../db/database.ts';
import type { QueueGroup } from './group-queues.ts';

export class QueueGroupsRepository {
  constructor(private readonly database: Database) {}

  async groups(tenantId: string): Promise<QueueGroup[]> {
    const rows = await this.database.query<{ id: string; name: string; user_id: string | null }>(
      `SELECT g.id, g.name, m.user_id
         FROM ring_groups g LEFT JOIN ring_group_members m ON m.ring_group_id = g.id
        WHERE g.tenant_id = $1
        ORDER BY g.name, g.id, m.position`,
      [tenantId],
    );
    const groups = new Map<string, { id: string; name: string; memberIds: string[] }>();
    for (const row of rows) {
      let group = groups.get(row.id);
      if (!group) groups.set(row.id, (group = { id: row.id, name: row.name, memberIds: [] }));
      if (row.user_id) group.memberIds.push(row.user_id);
    }
    return [...groups.values()];
  }
}

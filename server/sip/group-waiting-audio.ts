/**
 * A ring group's waiting audio, read when a phone call is transferred to it (`PhoneWaiting`): the
 * number's route carries the first group's choice, a transfer may hand the caller to another.
 */
import type { Database } from '../db/database.ts';
import type { WaitingAudioChoice } from './phone-waiting.ts';

export class GroupWaitingAudio {
  constructor(private readonly database: Pick<Database, 'query'>) {}

  /** The group's greeting and music; null when it has no music (or is not the tenant's). */
  async of(tenantId: string, groupId: string): Promise<WaitingAudioChoice | null> {
    const [row] = await this.database.query<{
      queue_greeting: string | null;
      queue_music: string | null;
    }>(`SELECT queue_greeting, queue_music FROM ring_groups WHERE tenant_id = $1 AND id = $2`, [
      tenantId,
      groupId,
    ]);
    return row?.queue_music ? { greeting: row.queue_greeting, music: row.queue_music } : null;
  }
}

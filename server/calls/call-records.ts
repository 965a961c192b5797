// Placeholder: persists call records (write-behind).
import type { Database } from '../db/database.ts';
export class CallRecords {
  constructor(private readonly database: Database) {}
  async flush(): Promise<void> {}
}

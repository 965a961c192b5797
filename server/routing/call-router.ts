// Placeholder: the live routing engine.
import type { Config } from '../config.ts';
import type { Directory } from '../directory/directory.ts';
import type { CallRecords } from '../calls/call-records.ts';
export class CallRouter {
  constructor(private readonly deps: { config: Config; directory: Directory; records: CallRecords }) {}
  async start(): Promise<void> {}
  stop(): void {}
}

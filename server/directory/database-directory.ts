// Placeholder: the Directory backed by the database.
import type { Database } from '../db/database.ts';
import type { Directory } from './directory.ts';
export class DatabaseDirectory implements Directory {
  constructor(private readonly database: Database) {}
  async tenant() { return null; }
  async user() { return null; }
  async userByUsername() { return null; }
  async ringGroup() { return null; }
  async ringGroupByName() { return null; }
  async ringGroupsOfUser() { return []; }
}

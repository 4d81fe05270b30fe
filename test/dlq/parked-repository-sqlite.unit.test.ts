import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { SqliteParkedMessageRepository } from '../../runtime/dlq/repository/sqlite-repository.js';
import { openSqlite } from '../../runtime/store/database.js';
import { parkedMessageRepositoryContract } from './parked-repository.contract.js';

const directory = mkdtempSync(join(tmpdir(), 'event-bus-dlq-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

let counter = 0;
parkedMessageRepositoryContract(
  'SQLite file',
  async () => new SqliteParkedMessageRepository({ db: openSqlite(join(directory, `parked-${++counter}.sqlite`)), closeDatabase: true }),
);
parkedMessageRepositoryContract(
  'SQLite :memory:',
  async () => new SqliteParkedMessageRepository({ db: openSqlite(':memory:'), closeDatabase: true }),
);

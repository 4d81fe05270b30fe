import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteBackend } from '../../runtime/store/index.js';
import { runStoreContract } from './store-contract.js';

// A file database (not :memory:) so the concurrency tests can open separate connections to it.
const dir = mkdtempSync(join(tmpdir(), 'event-store-sqlite-'));
const path = join(dir, 'events.db');

runStoreContract('SQLite', () => openSqliteBackend(path), {
  connectAnother: () => openSqliteBackend(path),
  teardown: async () => rmSync(dir, { recursive: true, force: true }),
});

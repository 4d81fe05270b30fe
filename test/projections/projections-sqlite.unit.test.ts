import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteBackend } from '../../runtime/store/index.js';
import { runProjectionContract } from './projection-contract.js';

// A file database, so the crash test's child process can open it too.
const dir = mkdtempSync(join(tmpdir(), 'projections-sqlite-'));
const path = join(dir, 'events.db');

runProjectionContract('SQLite', {
  open: () => openSqliteBackend(path),
  // Two connections to one file in ONE process would block each other's event loop (better-sqlite3
  // waits synchronously for the write lock): runners in one process share the connection; across
  // processes (the crash test) each has its own.
  childTarget: `sqlite:${path}`,
  teardown: async () => rmSync(dir, { recursive: true, force: true }),
});

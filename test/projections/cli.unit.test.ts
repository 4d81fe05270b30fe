/** `event-bus projections list|status|rebuild` on the embedded SQLite store, through the real command tree. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../support/run-cli.js';
import { conversationSummary, documentBoard } from '../../cli/demo/read-models.js';
import { ensureProjections, inlineProjections } from '../../store.js';
import { openSqliteBackend, type SqliteEventStoreBackend } from '../../runtime/store/index.js';
import { appendSessions, storeOn } from './support/fixtures.js';

const run = runCliInProcess;

describe('event-bus projections (SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'event-bus-projections-cli-'));
  const sqlite = join(dir, 'events.db');
  let backend: SqliteEventStoreBackend;
  beforeAll(async () => {
    backend = await openSqliteBackend(sqlite);
    const store = storeOn(backend, inlineProjections([conversationSummary]));
    await ensureProjections({ store, inline: [conversationSummary], async: [documentBoard] });
    await appendSessions(store, 2, 3); // 8 conversation events
  });
  afterAll(async () => {
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('list shows both recorded projections', async () => {
    const text = await run('projections', 'list', '--sqlite', sqlite);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n').filter(Boolean)).toEqual([
      'conversation_summary  inline  v1  generation 1  tables conversation_summary, conversation_summary_sessions  (conversation.started, conversation.turn_completed, conversation.ended)',
      // Registered, not built yet: the async runner (or a rebuild) builds generation 1.
      'document_board  async  v1  generation 0  tables document_board  (document.processed, document.processing_failed)',
    ]);
    const json = await run('projections', 'list', '--sqlite', sqlite, '--format', 'json');
    expect(JSON.parse(json.stdout).projections.map((p: { name: string }) => p.name)).toEqual([
      'conversation_summary',
      'document_board',
    ]);
  });

  it('status: lag of the unbuilt async board; --max-lag turns it into exit 1; rebuild brings it to 0', async () => {
    const { code: c1 } = await run('store', 'stats', '--sqlite', sqlite);
    expect(c1).toBe(0);
    const store = storeOn(backend);
    const { createEvent } = await import('../../generated/index.js');
    const documentId = '0b0a3f6e-7c1d-4e2f-9a8b-1c2d3e4f5a6b';
    await store.appendEvent(
      createEvent('document.processing_failed', documentId, 'document', {
        documentId,
        userId: '6f1c2b9e-3d4a-4c8e-9f21-7a5b0c3d2e10',
        fileName: 'scan.pdf',
        stage: 'chunk',
        error: { code: 'TOO_LONG', message: 'Too many pages' },
        retryable: false,
        attempt: 1,
        failedAt: new Date().toISOString(),
      }),
    );
    const before = await run('projections', 'status', '--sqlite', sqlite, '--format', 'json', '--max-lag', '0');
    expect(before.code).toBe(1);
    const statuses = JSON.parse(before.stdout) as { projections: { name: string; lag: number }[]; behind: string[] };
    expect(statuses.projections.map((p) => [p.name, p.lag])).toEqual([
      ['conversation_summary', 0],
      ['document_board', 1],
    ]);
    expect(statuses.behind).toEqual(['document_board']);

    const rebuilt = await run('projections', 'rebuild', 'document_board', '--sqlite', sqlite, '--mode', 'async');
    expect(rebuilt).toMatchObject({
      code: 0,
      stdout: 'rebuilt document_board (async) into generation 1: 1 events, position 9\n',
    });
    expect(rebuilt.stderr).toContain('document_board: switched to generation 1');

    const after = await run('projections', 'status', '--sqlite', sqlite, '--max-lag', '0');
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('document_board  async  v1  generation 1  checkpoint 9  head 9  lag 0');
    const rows = backend.db.prepare('SELECT document_id, status, failed_stage FROM document_board').all();
    expect(rows).toEqual([{ document_id: documentId, status: 'failed', failed_stage: 'chunk' }]);
  });

  it('usage errors and unknown projections exit 2 with the reason on stderr', async () => {
    const unknown = await run('projections', 'rebuild', 'nope', '--sqlite', sqlite);
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toBe(
      "event-bus projections rebuild: No projection named 'nope' (known: conversation_summary, document_board)\n",
    );
    const badLag = await run('projections', 'status', '--sqlite', sqlite, '--max-lag', 'many');
    expect(badLag).toMatchObject({
      code: 2,
      stderr: "event-bus projections status: --max-lag must be a whole number >= 0 (got 'many')\n",
    });
    const badFormat = await run('projections', 'list', '--sqlite', sqlite, '--format', 'xml');
    expect(badFormat.code).toBe(2);
  });
});

/** `event-bus projections status|rebuild --database-url` on PostgreSQL: lag, rebuild, lag 0 after catch-up. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../support/run-cli.js';
import { createEvent } from '../../generated/index.js';
import { conversationSummary, documentBoard } from '../../cli/demo/read-models.js';
import { ensureProjections, inlineProjections, ProjectionRunner } from '../../store.js';
import type { PostgresEventStoreBackend } from '../../runtime/store/index.js';
import { databaseUrl, dropSchema, openTestBackend, randomSchemaName } from '../store/support/postgres.js';
import { appendSessions, storeOn } from './support/fixtures.js';

const run = runCliInProcess;

describe('event-bus projections (PostgreSQL)', () => {
  const schema = randomSchemaName('projections_cli');
  let backend: PostgresEventStoreBackend;
  beforeAll(async () => {
    backend = await openTestBackend(schema);
  });
  afterAll(async () => {
    await backend?.close();
    await dropSchema(schema);
  });

  it('status shows the backlog, then lag 0 after the runner catches up; rebuild switches generations', async () => {
    const where = ['--database-url', databaseUrl(), '--schema', schema];
    const store = storeOn(backend, inlineProjections([conversationSummary]));
    await ensureProjections({ store, inline: [conversationSummary] });
    await appendSessions(store, 3, 4); // 15 conversation events, inline
    const runner = new ProjectionRunner({ store, projection: documentBoard, batchSize: 2 });
    await runner.step(); // registers and builds the (empty) board
    const documentId = '3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
    await store.appendEvent(
      createEvent('document.processed', documentId, 'document', {
        documentId,
        userId: '6f1c2b9e-3d4a-4c8e-9f21-7a5b0c3d2e10',
        fileName: 'notes.pdf',
        mimeType: 'application/pdf',
        sizeBytes: 1024,
        pageCount: 2,
        chunkCount: 3,
        tokenCount: 900,
        embeddingModel: 'text-embedding-3-small',
        embeddingDimensions: 1536,
        processedAt: new Date().toISOString(),
      }),
    );
    const byName = (out: string) =>
      Object.fromEntries(
        (JSON.parse(out) as { projections: { name: string; lag: number; generation: number }[] }).projections.map(
          (p) => [p.name, p],
        ),
      );
    const backlog = await run('projections', 'status', ...where, '--format', 'json', '--max-lag', '0');
    expect(backlog.code).toBe(1);
    expect(byName(backlog.stdout)).toMatchObject({ document_board: { lag: 1 }, conversation_summary: { lag: 0 } });
    await runner.catchUp();
    const behind = await run('projections', 'status', ...where, '--format', 'json', '--max-lag', '0');
    expect(behind.code).toBe(0);
    expect(byName(behind.stdout)).toMatchObject({
      conversation_summary: { lag: 0, generation: 1 },
      document_board: { lag: 0, generation: 1 },
    });
    const rebuilt = await run(
      'projections',
      'rebuild',
      'conversation_summary',
      ...where,
      '--batch-size',
      '4',
      '--format',
      'json',
    );
    expect(rebuilt.code).toBe(0);
    expect(JSON.parse(rebuilt.stdout)).toMatchObject({
      projection: 'conversation_summary',
      mode: 'inline',
      generation: 2,
      processed: 15,
    });
    expect(
      rebuilt.stderr
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line).processed),
    ).toEqual([0, 4, 8, 12, 15, 15]);
    const after = await run('projections', 'status', ...where, '--max-lag', '0');
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('conversation_summary  inline  v1  generation 2  head 16  lag 0');
    const { rows } = await backend.pool.query<{ turns: number }>(
      'SELECT sum(turns)::int AS turns FROM conversation_summary',
    );
    expect(rows[0]!.turns).toBe(12);
    await runner.stop();
  });
});

/**
 * A read model in another service, fed from Pub/Sub (the emulator): the document board in that
 * service's own database (no event store there), kept by inboxHandler. A duplicate delivery is
 * a no-op; a handler failure rolls back both the inbox row and the update, and the redelivery
 * applies the event once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventPublisher, EventSubscriber, PubSubTransport, type AnyEventEnvelope } from '../../runtime/index.js';
import { catalog, createEvent } from '../../generated/index.js';
import { documentBoard } from '../../cli/demo/read-models.js';
import {
  ensureInboxProjection,
  inboxHandler,
  projectionStatuses,
  queryDatabase,
} from '../../store.js';
import { closeDatabase, openDatabase, type DatabaseHandle } from '../../runtime/store/index.js';
import { uniqueName, waitUntil } from '../runtime/support/wait.js';

describe('inbox projection fed from Pub/Sub (emulator)', () => {
  let transport: PubSubTransport;
  let db: DatabaseHandle;
  const closers: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    transport = new PubSubTransport({ projectId: process.env.GCP_PROJECT_ID! });
    db = await openDatabase({ kind: 'sqlite', path: ':memory:' });
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await transport.close();
    await closeDatabase(db);
  });

  it('redeliveries are no-ops; a failed apply is redelivered and applied once', async () => {
    const names = {
      topicPrefix: uniqueName('inbox'),
      subscriptionPrefix: uniqueName('inbox-sub'),
      deadLetterTopic: uniqueName('inbox-dlq'),
    };
    const publisher = new EventPublisher({ catalog, transport, topicPrefix: names.topicPrefix, enableOrdering: true });
    const subscriber = new EventSubscriber({
      catalog,
      transport,
      ...names,
      retryPolicy: { minimumBackoffSeconds: 0, maximumBackoffSeconds: 0 },
      onError: () => undefined,
    });
    closers.push(
      () => subscriber.close(),
      () => publisher.close(),
    );
    await ensureInboxProjection(db, documentBoard);
    const apply = inboxHandler({ db, projection: documentBoard });
    const outcomes: [string, boolean | 'failed'][] = [];
    let failNext: string | undefined;
    const handler = async (event: AnyEventEnvelope) => {
      if (event.eventId === failNext) {
        failNext = undefined;
        outcomes.push([event.eventId, 'failed']);
        // The inbox row is written, then the board's insert fails (file_name NOT NULL): both roll back.
        await apply({ ...event, payload: { ...(event.payload as object), fileName: undefined } });
        throw new Error('unreachable: the apply above must fail');
      }
      outcomes.push([event.eventId, await apply(event)]);
    };
    await subscriber.subscribe({ eventType: 'document.processed', handler });
    await subscriber.subscribe({ eventType: 'document.processing_failed', handler });

    const userId = '6f1c2b9e-3d4a-4c8e-9f21-7a5b0c3d2e10';
    const processed = createEvent('document.processed', 'a1f0c1d2-3e4f-4a5b-8c6d-7e8f9a0b1c2d', 'document', {
      documentId: 'a1f0c1d2-3e4f-4a5b-8c6d-7e8f9a0b1c2d',
      userId,
      fileName: 'notes.pdf',
      mimeType: 'application/pdf',
      sizeBytes: 2048,
      pageCount: 4,
      chunkCount: 12,
      tokenCount: 5000,
      embeddingModel: 'text-embedding-3-small',
      embeddingDimensions: 1536,
      processedAt: new Date().toISOString(),
    });
    const failed = createEvent('document.processing_failed', 'b2e1d2c3-4f5a-4b6c-9d7e-8f9a0b1c2d3e', 'document', {
      documentId: 'b2e1d2c3-4f5a-4b6c-9d7e-8f9a0b1c2d3e',
      userId,
      fileName: 'scan.tiff',
      stage: 'parse',
      error: { code: 'UNSUPPORTED_FORMAT', message: 'TIFF is not supported' },
      retryable: false,
      attempt: 1,
      failedAt: new Date().toISOString(),
    });
    failNext = failed.eventId;
    await publisher.publish(processed);
    await publisher.publish(failed);
    await publisher.publish(processed); // the same event again: what a redelivery looks like to the handler
    await waitUntil(() => outcomes.length >= 4, 'four deliveries');
    expect(outcomes).toContainEqual([processed.eventId, true]);
    expect(outcomes).toContainEqual([processed.eventId, false]);
    expect(outcomes.filter(([id]) => id === failed.eventId).map(([, outcome]) => outcome)).toEqual(['failed', true]);
    const board = await queryDatabase(
      db,
      'SELECT document_id, status, attempts, failed_stage, error_code FROM document_board ORDER BY document_id',
    );
    expect(board.rows).toEqual([
      { document_id: processed.aggregateId, status: 'processed', attempts: 1, failed_stage: null, error_code: null },
      {
        document_id: failed.aggregateId,
        status: 'failed',
        attempts: 1,
        failed_stage: 'parse',
        error_code: 'UNSUPPORTED_FORMAT',
      },
    ]);
    const inbox = await queryDatabase(
      db,
      "SELECT count(*) AS n FROM projection_inbox WHERE projection = 'document_board'",
    );
    expect(inbox.rows).toEqual([{ n: 2 }]);
    const [status] = await projectionStatuses(db);
    expect(status).toMatchObject({ name: 'document_board', mode: 'inbox', headPosition: null, lag: null });
  });
});

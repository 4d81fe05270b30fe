/**
 * `npm run demo`: the product spec's snippets, end to end, through the package's public API.
 * With no services it runs on the in-process transport and the embedded SQLite store; with
 * PUBSUB_EMULATOR_HOST set, the same code runs against the Pub/Sub emulator.
 */
import { randomUUID } from 'node:crypto';
import {
  DeadLetterQueueHandler,
  EventPublisher,
  EventReplayer,
  EventStore,
  EventSubscriber,
  EventValidationError,
  catalog,
  createEvent,
  type AnyVersionEventMap,
  type EventMap,
  type EventsOfAggregate,
  type UserCreatedEvent,
} from '../../index.js';
import { parkedMessagesOf } from '../../ops/dlq/index.js';
import {
  ensureProjections,
  inlineProjections,
  ProjectionRunner,
  projectionDatabaseOf,
  projectionStatuses,
  queryDatabase,
} from '../../store.js';
import { traceOneConversation } from './trace-step.js';
import { conversationSummary, documentBoard } from './read-models.js';

type ConversationSessionEvent = EventsOfAggregate<EventMap, 'conversation_session'>;

export interface DemoOptions {
  readonly log: (line: string) => void;
  /** Give up waiting for a delivery after this long. */
  readonly timeoutMs?: number;
}

interface SessionState {
  status: 'new' | 'active' | 'ended';
  turns: number;
  totalTokens: number;
  citedDocuments: string[];
  endReason?: string;
}

const initialState: SessionState = { status: 'new', turns: 0, totalTokens: 0, citedDocuments: [] };

function reduceSession(state: SessionState, event: ConversationSessionEvent): SessionState {
  switch (event.eventType) {
    case 'conversation.started':
      return { ...state, status: 'active' };
    case 'conversation.turn_completed':
      return {
        ...state,
        turns: state.turns + 1,
        totalTokens: state.totalTokens + event.payload.tokenUsage.totalTokens,
        citedDocuments: [...new Set([...state.citedDocuments, ...(event.payload.citedDocumentIds ?? [])])],
      };
    case 'conversation.ended':
      return { ...state, status: 'ended', endReason: event.payload.reason };
  }
}

async function waitFor(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`demo: timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function runDemo({ log, timeoutMs = 60_000 }: DemoOptions): Promise<void> {
  const started = new Date();
  log(`registry: ${Object.keys(catalog.events).length} event types`);

  // ---- 1. Publish and subscribe (the spec's snippet) ----
  const publisher = new EventPublisher({ projectId: 'your-gcp-project', topicPrefix: 'clone', enableOrdering: true });
  const subscriber = new EventSubscriber({
    projectId: 'your-gcp-project',
    subscriptionPrefix: 'clone-sub',
    // Redeliver a failed message at once, so the dead-letter step below takes seconds.
    retryPolicy: { minimumBackoffSeconds: 0, maximumBackoffSeconds: 0 },
  });
  // Without upcasters a handler receives each event as its producer wrote it: any user.created version.
  const received: AnyVersionEventMap['user.created'][] = [];
  await subscriber.subscribe({
    eventType: 'user.created',
    handler: async (event) => {
      received.push(event);
    },
    deadLetterTopic: 'clone-dead-letter',
    maxDeliveryAttempts: 5,
  });
  const userId = randomUUID();
  const email = 'ada.lovelace@example.com';
  const name = 'Ada Lovelace';
  const event = createEvent<UserCreatedEvent>('user.created', userId, 'user', {
    userId,
    email,
    name,
    subscriptionTier: 'free',
  });
  const messageId = await publisher.publish(event);
  await waitFor(
    () => received.some((handled) => handled.eventId === event.eventId),
    'user.created to be handled',
    timeoutMs,
  );
  log(`published user.created v${event.eventVersion} (message ${messageId}); the subscriber handled it`);

  // ---- 2. An invalid payload never leaves the process ----
  try {
    const invalid = { ...event, payload: { ...event.payload, email: 'not-an-email', subscriptionTier: 'gold' } };
    await publisher.publish(invalid as unknown as UserCreatedEvent);
    throw new Error('demo: an invalid payload was published');
  } catch (error) {
    if (!(error instanceof EventValidationError)) throw error;
    log(`refused at publish: ${error.message}`);
  }

  // ---- 3. Event store and state reconstruction (the spec's snippet) ----
  const eventStore = new EventStore({
    projectId: 'your-gcp-project',
    eventStoreTopic: 'clone-event-store',
    snapshotInterval: 10,
    // The per-user conversation summary is written inside each append's transaction.
    onAppendTransaction: inlineProjections([conversationSummary]),
  });
  await ensureProjections({ store: eventStore, inline: [conversationSummary], async: [documentBoard] });
  const sessionId = randomUUID();
  const at = (seconds: number): string => new Date(started.getTime() + seconds * 1000).toISOString();
  await eventStore.appendEvent(
    createEvent('conversation.started', sessionId, 'conversation_session', {
      conversationId: sessionId,
      userId,
      channel: 'web',
      locale: 'en-US',
      voiceModelId: randomUUID(),
      faceModelId: null, // required but nullable: this clone has no face model yet
      startedAt: at(0),
    }),
  );
  const documentId = randomUUID();
  for (let turnIndex = 0; turnIndex < 12; turnIndex += 1) {
    await eventStore.appendEvent(
      createEvent('conversation.turn_completed', sessionId, 'conversation_session', {
        conversationId: sessionId,
        turnIndex,
        userText: `Question ${turnIndex + 1} about the Analytical Engine?`,
        cloneText: 'It might act upon other things besides number.',
        latency: { totalMs: 1200, speechToTextMs: 200, retrievalMs: 80, generationMs: 700, textToSpeechMs: 220 },
        tokenUsage: { promptTokens: 900, completionTokens: 100, totalTokens: 1000 },
        citedDocumentIds: [documentId],
        completedAt: at(turnIndex + 1),
      }),
    );
  }
  await eventStore.appendEvent(
    createEvent('conversation.ended', sessionId, 'conversation_session', {
      conversationId: sessionId,
      userId,
      reason: 'user_ended',
      turnCount: 12,
      durationSeconds: 13,
      totalTokenUsage: { promptTokens: 10_800, completionTokens: 1_200, totalTokens: 12_000 },
      endedAt: at(13),
    }),
  );
  const state = await eventStore.reconstructState(sessionId, 'conversation_session', reduceSession, initialState);
  log(`reconstructed session: ${JSON.stringify(state)}`);
  const again = await eventStore.reconstructState(sessionId, 'conversation_session', reduceSession, initialState);
  if (JSON.stringify(again) !== JSON.stringify(state)) throw new Error('demo: state from the snapshot differs');
  log('reconstructed again from its snapshot: same state');

  // ---- 3b. Read models (CQRS): one inline, one async ----
  const readModels = projectionDatabaseOf(await eventStore.getBackend());
  const summary = await queryDatabase<Record<string, unknown>>(
    readModels,
    'SELECT user_id, sessions, active_sessions, turns, total_tokens, last_activity FROM conversation_summary WHERE user_id = ?',
    [userId],
  );
  for (const row of summary.rows)
    log(
      `read model conversation_summary (inline): user ${String(row.user_id).slice(0, 8)} sessions ${row.sessions} (active ${row.active_sessions}), turns ${row.turns}, tokens ${row.total_tokens}, last activity ${row.last_activity}`,
    );
  const documentIds = [randomUUID(), randomUUID(), randomUUID()];
  const file = (index: number) =>
    ['Notes on the Analytical Engine.pdf', 'Letters to Babbage.docx', 'Sketch of the Engine.txt'][index]!;
  const failure = (
    index: number,
    stage: 'upload' | 'parse' | 'chunk' | 'embed',
    attempt: number,
    code: string,
    message: string,
  ) =>
    createEvent('document.processing_failed', documentIds[index]!, 'document', {
      documentId: documentIds[index]!,
      userId,
      fileName: file(index),
      stage,
      error: { code, message },
      retryable: stage === 'embed',
      attempt,
      failedAt: at(20 + attempt),
    });
  const processed = (index: number, chunkCount: number) =>
    createEvent('document.processed', documentIds[index]!, 'document', {
      documentId: documentIds[index]!,
      userId,
      fileName: file(index),
      mimeType: 'application/pdf',
      sizeBytes: 1_048_576,
      pageCount: null,
      chunkCount,
      tokenCount: chunkCount * 480,
      embeddingModel: 'text-embedding-3-small',
      embeddingDimensions: 1536,
      processedAt: at(30),
    });
  await eventStore.appendEvent(processed(0, 148));
  await eventStore.appendEvent(failure(1, 'embed', 1, 'EMBEDDING_TIMEOUT', 'The embedding service timed out'));
  await eventStore.appendEvent(processed(1, 37));
  await eventStore.appendEvent(failure(2, 'parse', 1, 'UNSUPPORTED_ENCODING', 'The file is not valid UTF-8'));
  const boardRunner = new ProjectionRunner({ store: eventStore, projection: documentBoard });
  await boardRunner.catchUp();
  const board = await queryDatabase<Record<string, unknown>>(
    readModels,
    `SELECT document_id, file_name, status, attempts, chunk_count, failed_stage, error_code FROM document_board
     WHERE document_id IN (?, ?, ?) ORDER BY file_name`,
    documentIds,
  );
  for (const row of board.rows)
    log(
      `read model document_board (async): ${row.file_name} ${row.status} after ${row.attempts} attempt(s)${row.status === 'failed' ? ` at stage ${row.failed_stage} (${row.error_code})` : `, ${row.chunk_count} chunks`}`,
    );
  for (const status of (await projectionStatuses(readModels)).filter(
    (s) => s.name === 'conversation_summary' || s.name === 'document_board',
  ))
    log(`projection ${status.name}: ${status.mode}, generation ${status.generation}, lag ${status.lag}`);
  await boardRunner.stop();

  // ---- 4. Replay a time range from the store (the spec's snippet) ----
  const replayer = new EventReplayer({
    projectId: 'your-gcp-project',
    eventStoreTopic: 'clone-event-store',
    replaySubscription: 'clone-replay',
  });
  const replayedTypes = new Map<string, number>();
  await replayer.replayTimeRange(started, new Date(Date.now() + 60_000), async (replayed) => {
    if (replayed.aggregateId === sessionId)
      replayedTypes.set(replayed.eventType, (replayedTypes.get(replayed.eventType) ?? 0) + 1);
  });
  log(`replayed this session: ${[...replayedTypes].map(([type, count]) => `${count} × ${type}`).join(', ')}`);

  // ---- 5. Dead letters (the spec's snippet) ----
  await subscriber.subscribe({
    eventType: 'document.processed',
    handler: async () => {
      throw new Error('the indexer is down');
    },
    deadLetterTopic: 'clone-dead-letter',
    maxDeliveryAttempts: 5,
  });
  const dlqHandler = new DeadLetterQueueHandler({
    projectId: 'your-gcp-project',
    deadLetterTopic: 'clone-dead-letter',
    deadLetterSubscription: 'clone-dead-letter-sub',
    retryTopic: 'clone-retry',
    maxRetries: 3,
  });
  const failed: string[] = [];
  await dlqHandler.startProcessing(async (message) => {
    failed.push(message.decoded ? message.originalEvent.eventId : '(undecodable)');
    log(
      `failed event: ${message.decoded ? message.originalEvent.eventType : 'raw bytes'} after ${message.deliveryAttempts} attempts (${message.failureReason ?? 'no reason'})`,
    );
    return message.deliveryAttempts < 3 ? 'retry' : 'discard'; // or 'manual'
  });
  const documentEvent = createEvent('document.processed', documentId, 'document', {
    documentId,
    userId,
    fileName: 'Notes on the Analytical Engine.pdf',
    mimeType: 'application/pdf',
    sizeBytes: 2_483_021,
    pageCount: 66,
    chunkCount: 148,
    tokenCount: 71_250,
    embeddingModel: 'text-embedding-3-small',
    embeddingDimensions: 1536,
    processedAt: at(14),
  });
  await publisher.publish(documentEvent);
  await waitFor(() => failed.includes(documentEvent.eventId), 'the dead letter to reach the handler', timeoutMs);
  await waitFor(() => dlqHandler.counts.discarded >= 1, 'the dead letter to be discarded', timeoutMs);
  const [audit] = await parkedMessagesOf(dlqHandler).audit({ action: 'discard', eventType: 'document.processed' });
  log(`discarded and audited: ${audit ? `${audit.eventType} ${audit.eventId}` : 'no audit entry'}`);

  await Promise.all([dlqHandler.close(), subscriber.close()]);
  await Promise.all([publisher.close(), eventStore.close(), replayer.close()]);

  // ---- 6. One conversation's trace id through publish, handler, store, outbox (docs/observability.md) ----
  await traceOneConversation(log, (condition, what) => waitFor(condition, what, timeoutMs));
  log('done');
}

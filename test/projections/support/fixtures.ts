/**
 * Projections and events for the projection tests, typed from the generated event map. The
 * tally is deliberately NOT idempotent (counters, and the turn indexes appended in order), so
 * an event applied twice, skipped or applied out of order shows in the read model.
 */
import { randomUUID } from 'node:crypto';
import { catalog, createEvent, type EventMap, type VersionedEventMap } from '../../../generated/index.js';
import { EventStore, type AppendTransactionHook, type EventStoreBackend } from '../../../runtime/store/index.js';
import { defineProjection, type ProjectionContext } from '../../../store.js';
import { untilVisible } from '../../store/support/visibility.js';

export const define = defineProjection<EventMap>();

export interface TallyOptions {
  version?: number;
  /** Called before each event is applied (tests hang or throw here). */
  beforeApply?: (event: { eventId: string; turnIndex: number | null }, applied: number) => Promise<void> | void;
}

/** Per conversation: events, turns, tokens and the turn indexes in the order applied. */
export function tally(name: string, options: TallyOptions = {}) {
  let applied = 0;
  return define({
    name,
    version: options.version ?? 1,
    eventTypes: ['conversation.started', 'conversation.turn_completed'],
    tables: [`${name}_t`],
    async init(ctx) {
      await ctx.execute(`CREATE TABLE ${ctx.table(`${name}_t`)} (
        conversation_id TEXT PRIMARY KEY, events INTEGER NOT NULL, turns INTEGER NOT NULL,
        tokens INTEGER NOT NULL, sequence TEXT NOT NULL)`);
    },
    async handle(event, ctx) {
      const turnIndex = event.eventType === 'conversation.turn_completed' ? event.payload.turnIndex : null;
      await options.beforeApply?.({ eventId: event.eventId, turnIndex }, applied);
      applied++;
      const table = ctx.table(`${name}_t`);
      const tokens = event.eventType === 'conversation.turn_completed' ? event.payload.tokenUsage.totalTokens : 0;
      await ctx.execute(
        `INSERT INTO ${table} (conversation_id, events, turns, tokens, sequence) VALUES (?, 1, ?, ?, ?)
         ON CONFLICT (conversation_id) DO UPDATE SET events = ${table}.events + 1, turns = ${table}.turns + excluded.turns,
           tokens = ${table}.tokens + excluded.tokens, sequence = ${table}.sequence || ',' || excluded.sequence`,
        [
          event.payload.conversationId,
          turnIndex === null ? 0 : 1,
          tokens,
          turnIndex === null ? 's' : String(turnIndex),
        ],
      );
    },
  });
}

export interface TallyRow {
  conversation_id: string;
  events: number;
  turns: number;
  tokens: number;
  sequence: string;
}

export function started(sessionId: string, userId: string = randomUUID()) {
  return createEvent('conversation.started', sessionId, 'conversation_session', {
    conversationId: sessionId,
    userId,
    channel: 'web',
    locale: 'en-US',
    voiceModelId: null,
    faceModelId: null,
    startedAt: new Date().toISOString(),
  });
}

export function turn(sessionId: string, turnIndex: number, totalTokens = 100 + turnIndex) {
  return createEvent('conversation.turn_completed', sessionId, 'conversation_session', {
    conversationId: sessionId,
    turnIndex,
    userText: `Question ${turnIndex}?`,
    cloneText: 'An answer.',
    latency: { totalMs: 900, speechToTextMs: 100, retrievalMs: 50, generationMs: 600, textToSpeechMs: 150 },
    tokenUsage: { promptTokens: totalTokens - 10, completionTokens: 10, totalTokens },
    citedDocumentIds: [],
    completedAt: new Date().toISOString(),
  });
}

export function ended(sessionId: string, userId: string, turnCount: number) {
  return createEvent('conversation.ended', sessionId, 'conversation_session', {
    conversationId: sessionId,
    userId,
    reason: 'user_ended',
    turnCount,
    durationSeconds: 60,
    endedAt: new Date().toISOString(),
  });
}

export type TestStore = EventStore<EventMap, VersionedEventMap>;

export function storeOn(backend: EventStoreBackend, onAppendTransaction?: AppendTransactionHook): TestStore {
  return new EventStore<EventMap, VersionedEventMap>({
    catalog,
    backend,
    ...(onAppendTransaction && { onAppendTransaction }),
  });
}

/** Appends `sessions` conversations of `turnsEach` turns (one append per session, then per turn). */
export async function appendSessions(store: TestStore, sessions: number, turnsEach: number): Promise<string[]> {
  const ids: string[] = [];
  for (let s = 0; s < sessions; s++) {
    const id = randomUUID();
    ids.push(id);
    await store.appendEvent(started(id));
    await store.appendToStream(
      { aggregateType: 'conversation_session', aggregateId: id },
      Array.from({ length: turnsEach }, (_, i) => turn(id, i)),
    );
  }
  // Runners read through readAll: on PostgreSQL these commits become visible once no older
  // transaction (another test file's) is open.
  const backend = await store.getBackend();
  for (const id of ids) await untilVisible(backend, { aggregateId: id }, 1 + turnsEach);
  return ids;
}

/** Reads a projection's view (the active generation), sorted, for comparisons. */
export async function readTally(
  ctx: { execute: ProjectionContext['execute'] } | ((sql: string) => Promise<unknown[]>),
  view: string,
): Promise<TallyRow[]> {
  const sql = `SELECT conversation_id, events, turns, tokens, sequence FROM ${view} ORDER BY conversation_id`;
  const rows = (typeof ctx === 'function' ? await ctx(sql) : await ctx.execute(sql)) as TallyRow[];
  return rows.map((row) => ({
    ...row,
    events: Number(row.events),
    turns: Number(row.turns),
    tokens: Number(row.tokens),
  }));
}

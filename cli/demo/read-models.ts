/**
 * The demo's two read models of this domain (docs/projections.md), typed from the generated
 * event map and written with plain SQL that runs on SQLite and PostgreSQL alike:
 * - `conversation_summary` (inline): per user — sessions, turns, tokens, last activity;
 * - `document_board` (async): per document — status, and the failure with its stage.
 * `event-bus projections rebuild <name>` uses these unless `--module` names others.
 */
import type { EventMap } from '../../generated/index.js';
import { defineProjection, type AnyProjection } from '../../store.js';

const define = defineProjection<EventMap>();

export const conversationSummary = define({
  name: 'conversation_summary',
  version: 1,
  eventTypes: ['conversation.started', 'conversation.turn_completed', 'conversation.ended'],
  tables: ['conversation_summary', 'conversation_summary_sessions'],
  async init(ctx) {
    await ctx.execute(`CREATE TABLE ${ctx.table('conversation_summary')} (
      user_id TEXT PRIMARY KEY,
      sessions INTEGER NOT NULL,
      active_sessions INTEGER NOT NULL,
      turns INTEGER NOT NULL,
      total_tokens INTEGER NOT NULL,
      last_activity TEXT NOT NULL)`);
    // turn_completed carries no user id: the session → user map is part of the read model.
    await ctx.execute(`CREATE TABLE ${ctx.table('conversation_summary_sessions')} (
      conversation_id TEXT PRIMARY KEY,
      user_id TEXT NOT NULL)`);
  },
  async handle(event, ctx) {
    const summary = ctx.table('conversation_summary');
    const sessions = ctx.table('conversation_summary_sessions');
    switch (event.eventType) {
      case 'conversation.started': {
        const { conversationId, userId, startedAt } = event.payload;
        await ctx.execute(`INSERT INTO ${sessions} (conversation_id, user_id) VALUES (?, ?)`, [conversationId, userId]);
        await ctx.execute(
          `INSERT INTO ${summary} (user_id, sessions, active_sessions, turns, total_tokens, last_activity)
           VALUES (?, 1, 1, 0, 0, ?)
           ON CONFLICT (user_id) DO UPDATE SET sessions = ${summary}.sessions + 1,
             active_sessions = ${summary}.active_sessions + 1,
             last_activity = CASE WHEN excluded.last_activity > ${summary}.last_activity
                                  THEN excluded.last_activity ELSE ${summary}.last_activity END`,
          [userId, startedAt],
        );
        return;
      }
      case 'conversation.turn_completed': {
        const { conversationId, tokenUsage, completedAt } = event.payload;
        await ctx.execute(
          `UPDATE ${summary} SET turns = turns + 1, total_tokens = total_tokens + ?,
             last_activity = CASE WHEN ? > last_activity THEN ? ELSE last_activity END
           WHERE user_id = (SELECT user_id FROM ${sessions} WHERE conversation_id = ?)`,
          [tokenUsage.totalTokens, completedAt, completedAt, conversationId],
        );
        return;
      }
      case 'conversation.ended': {
        const { userId, endedAt } = event.payload;
        await ctx.execute(
          `UPDATE ${summary} SET active_sessions = active_sessions - 1,
             last_activity = CASE WHEN ? > last_activity THEN ? ELSE last_activity END
           WHERE user_id = ?`,
          [endedAt, endedAt, userId],
        );
        return;
      }
    }
  },
});

export const documentBoard = define({
  name: 'document_board',
  version: 1,
  eventTypes: ['document.processed', 'document.processing_failed'],
  tables: ['document_board'],
  async init(ctx) {
    await ctx.execute(`CREATE TABLE ${ctx.table('document_board')} (
      document_id TEXT PRIMARY KEY,
      user_id TEXT NOT NULL,
      file_name TEXT NOT NULL,
      status TEXT NOT NULL,
      attempts INTEGER NOT NULL,
      chunk_count INTEGER,
      token_count INTEGER,
      failed_stage TEXT,
      error_code TEXT,
      error_message TEXT,
      retryable INTEGER,
      updated_at TEXT NOT NULL)`);
  },
  async handle(event, ctx) {
    const board = ctx.table('document_board');
    if (event.eventType === 'document.processed') {
      const { documentId, userId, fileName, chunkCount, tokenCount, processedAt } = event.payload;
      await ctx.execute(
        `INSERT INTO ${board} (document_id, user_id, file_name, status, attempts, chunk_count, token_count,
           failed_stage, error_code, error_message, retryable, updated_at)
         VALUES (?, ?, ?, 'processed', 1, ?, ?, NULL, NULL, NULL, NULL, ?)
         ON CONFLICT (document_id) DO UPDATE SET status = 'processed', attempts = ${board}.attempts + 1,
           chunk_count = excluded.chunk_count, token_count = excluded.token_count, failed_stage = NULL,
           error_code = NULL, error_message = NULL, retryable = NULL, updated_at = excluded.updated_at`,
        [documentId, userId, fileName, chunkCount, tokenCount, processedAt],
      );
      return;
    }
    const { documentId, userId, fileName, stage, error, retryable, failedAt } = event.payload;
    await ctx.execute(
      `INSERT INTO ${board} (document_id, user_id, file_name, status, attempts, chunk_count, token_count,
         failed_stage, error_code, error_message, retryable, updated_at)
       VALUES (?, ?, ?, 'failed', 1, NULL, NULL, ?, ?, ?, ?, ?)
       ON CONFLICT (document_id) DO UPDATE SET status = 'failed', attempts = ${board}.attempts + 1,
         failed_stage = excluded.failed_stage, error_code = excluded.error_code,
         error_message = excluded.error_message, retryable = excluded.retryable, updated_at = excluded.updated_at`,
      [documentId, userId, fileName, stage, error.code, error.message, retryable ? 1 : 0, failedAt],
    );
  },
});

/** What the CLI knows by default, by name. */
export const projections: readonly AnyProjection[] = [conversationSummary, documentBoard];

import type Database from 'better-sqlite3';
import { runMigrations } from '../../store/migrations.js';
import { placeholders } from '../../store/sql.js';
import { ParkedMessageNotFoundError, ParkedMessageStateError } from '../errors.js';
import { dlqMigrations } from './migrations.js';
import {
  AUDIT_ACTIONS,
  DEFAULT_REQUEUE_LEASE_MILLISECONDS,
  requeueClaimable,
  DEFAULT_AUDIT_LIMIT,
  DEFAULT_LIST_LIMIT,
  PARKED_STATUSES,
  type AuditAction,
  type AuditEntry,
  type AuditFilter,
  type NewAuditEntry,
  type NewParkedMessage,
  type ParkedMessage,
  type ParkedMessageFilter,
  type ParkedMessageRepository,
  type ParkedStatus,
  type RequeueResolution,
  type Resolution,
} from './parked-message.js';
import { createRowMappers, PARKED_MESSAGE_COLUMNS, parkedMessageValues, resolutionAudit, type Row } from './rows.js';

// SQLite keeps JSON columns as text.
const { toParkedMessage, toAuditEntry } = createRowMappers((value) => JSON.parse(String(value)));

export interface SqliteParkedMessageRepositoryOptions {
  /** An open better-sqlite3 database (see the store's `openSqlite`). */
  readonly db: Database.Database;
  /** Close `db` in close(); default false (the opener closes it). */
  readonly closeDatabase?: boolean;
}

/** Parked messages and audit trail in SQLite. better-sqlite3 is synchronous; the API is async to match PostgreSQL. */
export class SqliteParkedMessageRepository implements ParkedMessageRepository {
  private readonly db: Database.Database;
  private readonly ownsDatabase: boolean;

  constructor(options: SqliteParkedMessageRepositoryOptions) {
    this.db = options.db;
    this.ownsDatabase = options.closeDatabase === true;
  }

  async migrate(): Promise<void> {
    await runMigrations({ kind: 'sqlite', db: this.db }, [dlqMigrations]);
  }

  async park(message: NewParkedMessage, audit: NewAuditEntry): Promise<{ parkedId: string; created: boolean }> {
    return this.db
      .transaction(() => {
        const inserted = this.db
          .prepare(
            `INSERT INTO event_bus_dlq_parked_messages (${PARKED_MESSAGE_COLUMNS.join(', ')})
           VALUES (${placeholders(PARKED_MESSAGE_COLUMNS.length, 'sqlite')})
           ON CONFLICT (dead_letter_message_id) DO NOTHING`,
          )
          .run(...parkedMessageValues(message, (date) => date.toISOString()));
        if (inserted.changes === 0) {
          const existing = this.db
            .prepare('SELECT parked_id FROM event_bus_dlq_parked_messages WHERE dead_letter_message_id = ?')
            .get(message.deadLetterMessageId) as { parked_id: string };
          return { parkedId: existing.parked_id, created: false };
        }
        this.insertAudit({ ...audit, parkedId: message.parkedId });
        return { parkedId: message.parkedId, created: true };
      })
      .immediate();
  }

  async recordAudit(entry: NewAuditEntry): Promise<boolean> {
    return this.insertAudit(entry);
  }

  async get(parkedId: string): Promise<ParkedMessage | undefined> {
    const row = this.db.prepare('SELECT * FROM event_bus_dlq_parked_messages WHERE parked_id = ?').get(parkedId) as
      Row | undefined;
    return row ? toParkedMessage(row) : undefined;
  }

  async list(filter: ParkedMessageFilter = {}): Promise<ParkedMessage[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const status = filter.status ?? 'parked';
    if (status !== 'all') {
      where.push('status = ?');
      params.push(status);
    }
    if (filter.eventType !== undefined) {
      where.push('event_type = ?');
      params.push(filter.eventType);
    }
    if (filter.since !== undefined) {
      where.push('parked_at >= ?');
      params.push(filter.since.toISOString());
    }
    if (filter.until !== undefined) {
      where.push('parked_at < ?');
      params.push(filter.until.toISOString());
    }
    params.push(filter.limit ?? DEFAULT_LIST_LIMIT);
    const rows = this.db
      .prepare(
        `SELECT * FROM event_bus_dlq_parked_messages ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY parked_at, parked_id LIMIT ?`,
      )
      .all(...params) as Row[];
    return rows.map(toParkedMessage);
  }

  async countByStatus(): Promise<Record<ParkedStatus, number>> {
    const counts = Object.fromEntries(PARKED_STATUSES.map((status) => [status, 0])) as Record<ParkedStatus, number>;
    const rows = this.db
      .prepare('SELECT status, COUNT(*) AS n FROM event_bus_dlq_parked_messages GROUP BY status')
      .all() as { status: ParkedStatus; n: number }[];
    for (const row of rows) counts[row.status] = row.n;
    return counts;
  }

  async countAuditByAction(since?: Date): Promise<Record<AuditAction, number>> {
    const counts = Object.fromEntries(AUDIT_ACTIONS.map((action) => [action, 0])) as Record<AuditAction, number>;
    const rows = this.db
      .prepare(`SELECT action, COUNT(*) AS n FROM event_bus_dlq_audit ${since ? 'WHERE at >= ?' : ''} GROUP BY action`)
      .all(...(since ? [since.toISOString()] : [])) as { action: AuditAction; n: number }[];
    for (const row of rows) counts[row.action] = row.n;
    return counts;
  }

  async claimForRequeue(
    parkedId: string,
    options: { includeStuck?: boolean; leaseMilliseconds?: number } = {},
  ): Promise<ParkedMessage> {
    const now = Date.now();
    const leaseUntil = new Date(now + (options.leaseMilliseconds ?? DEFAULT_REQUEUE_LEASE_MILLISECONDS)).toISOString();
    return this.transition(
      parkedId,
      ['parked', 'requeuing'],
      'requeuing',
      'requeue',
      () => {
        this.db.prepare('UPDATE event_bus_dlq_parked_messages SET requeue_lease_until = ? WHERE parked_id = ?').run(leaseUntil, parkedId);
      },
      (row) => requeueClaimable(String(row.status), row.requeue_lease_until, now, options.includeStuck === true),
    );
  }

  async releaseRequeueClaim(parkedId: string): Promise<void> {
    this.db
      .prepare(
        "UPDATE event_bus_dlq_parked_messages SET status = 'parked', requeue_lease_until = NULL WHERE parked_id = ? AND status = 'requeuing'",
      )
      .run(parkedId);
  }

  async completeRequeue(parkedId: string, resolution: RequeueResolution): Promise<ParkedMessage> {
    return this.transition(parkedId, ['requeuing'], 'requeued', 'requeue', (message) => {
      this.db
        .prepare(
          `UPDATE event_bus_dlq_parked_messages
             SET resolved_at = ?, resolved_by = ?, resolution_reason = ?, requeue_topic = ?, requeue_message_id = ?
           WHERE parked_id = ?`,
        )
        .run(
          resolution.at.toISOString(),
          resolution.actor,
          resolution.reason ?? null,
          resolution.topic,
          resolution.messageId,
          parkedId,
        );
      this.insertAudit(resolutionAudit('requeue', message, resolution));
    });
  }

  async discard(parkedId: string, resolution: Resolution): Promise<ParkedMessage> {
    return this.transition(parkedId, ['parked'], 'discarded', 'discard', (message) => {
      this.db
        .prepare(
          'UPDATE event_bus_dlq_parked_messages SET resolved_at = ?, resolved_by = ?, resolution_reason = ? WHERE parked_id = ?',
        )
        .run(resolution.at.toISOString(), resolution.actor, resolution.reason ?? null, parkedId);
      this.insertAudit(resolutionAudit('discard-parked', message, resolution));
    });
  }

  async listAudit(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const equal = (column: string, value: unknown): void => {
      if (value === undefined) return;
      where.push(`${column} = ?`);
      params.push(value);
    };
    equal('action', filter.action);
    equal('event_type', filter.eventType);
    equal('parked_id', filter.parkedId);
    equal('dead_letter_message_id', filter.deadLetterMessageId);
    if (filter.since !== undefined) {
      where.push('at >= ?');
      params.push(filter.since.toISOString());
    }
    if (filter.until !== undefined) {
      where.push('at < ?');
      params.push(filter.until.toISOString());
    }
    params.push(filter.limit ?? DEFAULT_AUDIT_LIMIT);
    const rows = this.db
      .prepare(
        `SELECT * FROM event_bus_dlq_audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY audit_id LIMIT ?`,
      )
      .all(...params) as Row[];
    return rows.map(toAuditEntry);
  }

  async close(): Promise<void> {
    if (this.ownsDatabase && this.db.open) this.db.close();
  }

  /** Moves a row from one of `from` to `to` inside one write transaction, then runs `andThen` in it. */
  private transition(
    parkedId: string,
    from: readonly ParkedStatus[],
    to: ParkedStatus,
    operation: string,
    andThen: (message: ParkedMessage) => void,
    allow: (row: Row) => boolean = (row) => from.includes(row.status as ParkedStatus),
  ): ParkedMessage {
    return this.db
      .transaction(() => {
        const select = this.db.prepare('SELECT * FROM event_bus_dlq_parked_messages WHERE parked_id = ?');
        const row = select.get(parkedId) as Row | undefined;
        if (!row) throw new ParkedMessageNotFoundError(parkedId);
        if (!allow(row)) throw new ParkedMessageStateError(parkedId, String(row.status), operation);
        this.db.prepare('UPDATE event_bus_dlq_parked_messages SET status = ? WHERE parked_id = ?').run(to, parkedId);
        andThen(toParkedMessage(row));
        return toParkedMessage(select.get(parkedId) as Row);
      })
      .immediate();
  }

  private insertAudit(entry: NewAuditEntry): boolean {
    const result = this.db
      .prepare(
        `INSERT INTO event_bus_dlq_audit (action, dead_letter_message_id, parked_id, event_id, event_type, actor, reason, at, details)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (dead_letter_message_id, action) DO NOTHING`,
      )
      .run(
        entry.action,
        entry.deadLetterMessageId ?? null,
        entry.parkedId ?? null,
        entry.eventId ?? null,
        entry.eventType ?? null,
        entry.actor,
        entry.reason ?? null,
        entry.at.toISOString(),
        JSON.stringify(entry.details),
      );
    return result.changes > 0;
  }
}

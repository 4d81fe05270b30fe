import type pg from 'pg';
import { runMigrations } from '../../store/migrations.js';
import { assertSqlIdentifier, placeholders, withTransaction } from '../../store/sql.js';
import { guardPool } from '../../store/pg-faults.js';
import { DeadLetterConfigError, ParkedMessageNotFoundError, ParkedMessageStateError } from '../errors.js';
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

// pg parses jsonb columns itself.
const { toParkedMessage, toAuditEntry } = createRowMappers((value) => value);
type Queryable = Pick<pg.PoolClient, 'query'>;

export interface PostgresParkedMessageRepositoryOptions {
  /** A pool from the store's database seam (its connections' search_path is `schema`). */
  readonly pool: pg.Pool;
  /** SQL schema holding the tables: the pool's search_path (createPgPool sets it); checked, used for migrations. */
  readonly schema?: string;
  /** End `pool` in close(); default false (the opener ends it). */
  readonly endPool?: boolean;
}

/** Parked messages and audit trail in PostgreSQL. */
export class PostgresParkedMessageRepository implements ParkedMessageRepository {
  private readonly pool: pg.Pool;
  private readonly ownsPool: boolean;
  private readonly schema: string | undefined;

  constructor(options: PostgresParkedMessageRepositoryOptions) {
    if (options.schema !== undefined) {
      assertSqlIdentifier(options.schema, 'schema', (message) => new DeadLetterConfigError('schema', message));
    }
    this.schema = options.schema;
    this.pool = guardPool(options.pool);
    this.ownsPool = options.endPool === true;
  }

  async migrate(): Promise<void> {
    await runMigrations(
      { kind: 'postgres', pool: this.pool, ...(this.schema !== undefined && { schema: this.schema }) },
      [dlqMigrations],
    );
  }

  async park(message: NewParkedMessage, audit: NewAuditEntry): Promise<{ parkedId: string; created: boolean }> {
    return this.inTransaction(async (client) => {
      const inserted = await client.query(
        `INSERT INTO ${this.table('event_bus_dlq_parked_messages')} (${PARKED_MESSAGE_COLUMNS.join(', ')})
         VALUES (${placeholders(PARKED_MESSAGE_COLUMNS.length, 'postgres')})
         ON CONFLICT (dead_letter_message_id) DO NOTHING`,
        parkedMessageValues(message, (date) => date),
      );
      if (inserted.rowCount === 0) {
        const existing = await client.query<{ parked_id: string }>(
          `SELECT parked_id FROM ${this.table('event_bus_dlq_parked_messages')} WHERE dead_letter_message_id = $1`,
          [message.deadLetterMessageId],
        );
        return { parkedId: String(existing.rows[0]?.parked_id), created: false };
      }
      await this.insertAudit(client, { ...audit, parkedId: message.parkedId });
      return { parkedId: message.parkedId, created: true };
    });
  }

  async recordAudit(entry: NewAuditEntry): Promise<boolean> {
    return this.insertAudit(this.pool, entry);
  }

  async get(parkedId: string): Promise<ParkedMessage | undefined> {
    if (!isUuid(parkedId)) return undefined;
    const { rows } = await this.pool.query(
      `SELECT * FROM ${this.table('event_bus_dlq_parked_messages')} WHERE parked_id = $1`,
      [parkedId],
    );
    return rows[0] ? toParkedMessage(rows[0] as Row) : undefined;
  }

  async list(filter: ParkedMessageFilter = {}): Promise<ParkedMessage[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown): void => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    const status = filter.status ?? 'parked';
    if (status !== 'all') add('status = ?', status);
    if (filter.eventType !== undefined) add('event_type = ?', filter.eventType);
    if (filter.since !== undefined) add('parked_at >= ?', filter.since);
    if (filter.until !== undefined) add('parked_at < ?', filter.until);
    params.push(filter.limit ?? DEFAULT_LIST_LIMIT);
    const { rows } = await this.pool.query(
      `SELECT * FROM ${this.table('event_bus_dlq_parked_messages')} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY parked_at, parked_id LIMIT $${params.length}`,
      params,
    );
    return (rows as Row[]).map(toParkedMessage);
  }

  async countByStatus(): Promise<Record<ParkedStatus, number>> {
    const counts = Object.fromEntries(PARKED_STATUSES.map((status) => [status, 0])) as Record<ParkedStatus, number>;
    const { rows } = await this.pool.query<{ status: ParkedStatus; n: string }>(
      `SELECT status, COUNT(*) AS n FROM ${this.table('event_bus_dlq_parked_messages')} GROUP BY status`,
    );
    for (const row of rows) counts[row.status] = Number(row.n);
    return counts;
  }

  async countAuditByAction(since?: Date): Promise<Record<AuditAction, number>> {
    const counts = Object.fromEntries(AUDIT_ACTIONS.map((action) => [action, 0])) as Record<AuditAction, number>;
    const { rows } = await this.pool.query<{ action: AuditAction; n: string }>(
      `SELECT action, COUNT(*) AS n FROM ${this.table('event_bus_dlq_audit')} ${since ? 'WHERE at >= $1' : ''} GROUP BY action`,
      since ? [since] : [],
    );
    for (const row of rows) counts[row.action] = Number(row.n);
    return counts;
  }

  async claimForRequeue(
    parkedId: string,
    options: { includeStuck?: boolean; leaseMilliseconds?: number } = {},
  ): Promise<ParkedMessage> {
    const now = Date.now();
    const leaseUntil = new Date(now + (options.leaseMilliseconds ?? DEFAULT_REQUEUE_LEASE_MILLISECONDS));
    return this.transition(
      parkedId,
      ['parked', 'requeuing'],
      'requeuing',
      'requeue',
      async (client) => {
        await client.query(
          `UPDATE ${this.table('event_bus_dlq_parked_messages')} SET requeue_lease_until = $1 WHERE parked_id = $2`,
          [leaseUntil, parkedId],
        );
      },
      (row) => requeueClaimable(String(row.status), row.requeue_lease_until, now, options.includeStuck === true),
    );
  }

  async releaseRequeueClaim(parkedId: string): Promise<void> {
    if (!isUuid(parkedId)) return;
    await this.pool.query(
      `UPDATE ${this.table('event_bus_dlq_parked_messages')} SET status = 'parked', requeue_lease_until = NULL WHERE parked_id = $1 AND status = 'requeuing'`,
      [parkedId],
    );
  }

  async completeRequeue(parkedId: string, resolution: RequeueResolution): Promise<ParkedMessage> {
    return this.transition(parkedId, ['requeuing'], 'requeued', 'requeue', async (client, message) => {
      await client.query(
        `UPDATE ${this.table('event_bus_dlq_parked_messages')}
           SET resolved_at = $1, resolved_by = $2, resolution_reason = $3, requeue_topic = $4, requeue_message_id = $5
         WHERE parked_id = $6`,
        [resolution.at, resolution.actor, resolution.reason ?? null, resolution.topic, resolution.messageId, parkedId],
      );
      await this.insertAudit(client, resolutionAudit('requeue', message, resolution));
    });
  }

  async discard(parkedId: string, resolution: Resolution): Promise<ParkedMessage> {
    return this.transition(parkedId, ['parked'], 'discarded', 'discard', async (client, message) => {
      await client.query(
        `UPDATE ${this.table('event_bus_dlq_parked_messages')} SET resolved_at = $1, resolved_by = $2, resolution_reason = $3 WHERE parked_id = $4`,
        [resolution.at, resolution.actor, resolution.reason ?? null, parkedId],
      );
      await this.insertAudit(client, resolutionAudit('discard-parked', message, resolution));
    });
  }

  async listAudit(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown): void => {
      if (value === undefined) return;
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    add('action = ?', filter.action);
    add('event_type = ?', filter.eventType);
    if (filter.parkedId !== undefined && !isUuid(filter.parkedId)) return [];
    add('parked_id = ?', filter.parkedId);
    add('dead_letter_message_id = ?', filter.deadLetterMessageId);
    add('at >= ?', filter.since);
    add('at < ?', filter.until);
    params.push(filter.limit ?? DEFAULT_AUDIT_LIMIT);
    const { rows } = await this.pool.query(
      `SELECT * FROM ${this.table('event_bus_dlq_audit')} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY audit_id LIMIT $${params.length}`,
      params,
    );
    return (rows as Row[]).map(toAuditEntry);
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
  }

  /**
   * The table's name. The schema is the connections' search_path (runtime/store/sql.ts: one
   * strategy for the store, the migrations and this repository), so names are never qualified.
   */
  private table(name: string): string {
    return name;
  }

  private inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return withTransaction(this.pool, work);
  }

  /** Moves a row from one of `from` to `to` in one transaction (row locked), then runs `andThen` in it. */
  private async transition(
    parkedId: string,
    from: readonly ParkedStatus[],
    to: ParkedStatus,
    operation: string,
    andThen: (client: pg.PoolClient, message: ParkedMessage) => Promise<void>,
    allow: (row: Row) => boolean = (row) => from.includes(row.status as ParkedStatus),
  ): Promise<ParkedMessage> {
    if (!isUuid(parkedId)) throw new ParkedMessageNotFoundError(parkedId);
    return this.inTransaction(async (client) => {
      const { rows } = await client.query(
        `SELECT * FROM ${this.table('event_bus_dlq_parked_messages')} WHERE parked_id = $1 FOR UPDATE`,
        [parkedId],
      );
      const row = rows[0] as Row | undefined;
      if (!row) throw new ParkedMessageNotFoundError(parkedId);
      if (!allow(row)) throw new ParkedMessageStateError(parkedId, String(row.status), operation);
      await client.query(`UPDATE ${this.table('event_bus_dlq_parked_messages')} SET status = $1 WHERE parked_id = $2`, [
        to,
        parkedId,
      ]);
      await andThen(client, toParkedMessage(row));
      const updated = await client.query(
        `SELECT * FROM ${this.table('event_bus_dlq_parked_messages')} WHERE parked_id = $1`,
        [parkedId],
      );
      return toParkedMessage(updated.rows[0] as Row);
    });
  }

  private async insertAudit(client: Queryable, entry: NewAuditEntry): Promise<boolean> {
    const result = await client.query(
      `INSERT INTO ${this.table('event_bus_dlq_audit')} (action, dead_letter_message_id, parked_id, event_id, event_type, actor, reason, at, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (dead_letter_message_id, action) DO NOTHING`,
      [
        entry.action,
        entry.deadLetterMessageId ?? null,
        entry.parkedId ?? null,
        entry.eventId ?? null,
        entry.eventType ?? null,
        entry.actor,
        entry.reason ?? null,
        entry.at,
        JSON.stringify(entry.details),
      ],
    );
    return (result.rowCount ?? 0) > 0;
  }
}

function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

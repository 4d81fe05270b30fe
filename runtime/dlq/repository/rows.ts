/**
 * Row → model mapping shared by the SQLite and PostgreSQL repositories. The tables are the
 * same; the drivers differ only in how JSON columns come back (pg parses jsonb, SQLite
 * returns text), so each repository passes its JSON reader.
 */
import type {
  AuditEntry,
  NewAuditEntry,
  NewParkedMessage,
  ParkedMessage,
  ParkedStatus,
  RequeueResolution,
  Resolution,
} from './parked-message.js';

export type Row = Record<string, unknown>;

/** The columns a park writes, in order: one list for both backends (values: parkedMessageValues). */
export const PARKED_MESSAGE_COLUMNS = [
  'parked_id',
  'dead_letter_message_id',
  'event_id',
  'event_type',
  'event_version',
  'aggregate_id',
  'source_topic',
  'source_subscription',
  'origin_topic',
  'failure_code',
  'failure_reason',
  'park_reason',
  'park_note',
  'delivery_attempts',
  'retry_count',
  'first_failed_at',
  'last_failed_at',
  'parked_at',
  'parked_by',
  'data',
  'attributes',
  'ordering_key',
] as const;

/** A new parked message's values in PARKED_MESSAGE_COLUMNS order; `time` writes a timestamp (Date for pg, ISO text for SQLite). */
export function parkedMessageValues(message: NewParkedMessage, time: (date: Date) => Date | string): unknown[] {
  return [
    message.parkedId,
    message.deadLetterMessageId,
    message.eventId ?? null,
    message.eventType ?? null,
    message.eventVersion ?? null,
    message.aggregateId ?? null,
    message.sourceTopic ?? null,
    message.sourceSubscription ?? null,
    message.originTopic ?? null,
    message.failureCode,
    message.failureReason,
    message.parkReason,
    message.parkNote ?? null,
    message.deliveryAttempts,
    message.retryCount,
    time(message.firstFailedAt),
    time(message.lastFailedAt),
    time(message.parkedAt),
    message.parkedBy,
    message.data,
    JSON.stringify(message.attributes),
    message.orderingKey ?? null,
  ];
}

export interface RowMappers {
  toParkedMessage(row: Row): ParkedMessage;
  toAuditEntry(row: Row): AuditEntry;
}

function optionalString(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}

// pg returns Date objects, SQLite ISO text: the Date constructor takes both without loss.
function date(value: unknown): Date {
  return new Date(value as string | Date);
}

function optionalDate(value: unknown): Date | undefined {
  return value === null || value === undefined ? undefined : date(value);
}

export function createRowMappers(readJson: (value: unknown) => unknown): RowMappers {
  return {
    toParkedMessage: (row) => ({
      parkedId: String(row.parked_id),
      deadLetterMessageId: String(row.dead_letter_message_id),
      eventId: optionalString(row.event_id),
      eventType: optionalString(row.event_type),
      eventVersion: row.event_version === null ? undefined : Number(row.event_version),
      aggregateId: optionalString(row.aggregate_id),
      sourceTopic: optionalString(row.source_topic),
      sourceSubscription: optionalString(row.source_subscription),
      originTopic: optionalString(row.origin_topic),
      failureCode: String(row.failure_code),
      failureReason: String(row.failure_reason),
      parkReason: row.park_reason as ParkedMessage['parkReason'],
      parkNote: optionalString(row.park_note),
      deliveryAttempts: Number(row.delivery_attempts),
      retryCount: Number(row.retry_count),
      firstFailedAt: date(row.first_failed_at),
      lastFailedAt: date(row.last_failed_at),
      parkedAt: date(row.parked_at),
      parkedBy: String(row.parked_by),
      data: row.data as Buffer,
      attributes: readJson(row.attributes) as Record<string, string>,
      orderingKey: optionalString(row.ordering_key),
      status: row.status as ParkedStatus,
      resolvedAt: optionalDate(row.resolved_at),
      resolvedBy: optionalString(row.resolved_by),
      resolutionReason: optionalString(row.resolution_reason),
      requeueTopic: optionalString(row.requeue_topic),
      requeueMessageId: optionalString(row.requeue_message_id),
    }),
    toAuditEntry: (row) => ({
      auditId: Number(row.audit_id),
      action: row.action as AuditEntry['action'],
      deadLetterMessageId: optionalString(row.dead_letter_message_id),
      parkedId: optionalString(row.parked_id),
      eventId: optionalString(row.event_id),
      eventType: optionalString(row.event_type),
      actor: String(row.actor),
      reason: optionalString(row.reason),
      at: date(row.at),
      details: readJson(row.details) as Record<string, unknown>,
    }),
  };
}

/** The audit entry a person's requeue or discard of a parked message writes, on either backend. */
export function resolutionAudit(
  action: 'requeue' | 'discard-parked',
  message: ParkedMessage,
  resolution: Resolution | RequeueResolution,
): NewAuditEntry {
  return {
    action,
    deadLetterMessageId: message.deadLetterMessageId,
    parkedId: message.parkedId,
    eventId: message.eventId,
    eventType: message.eventType,
    actor: resolution.actor,
    reason: resolution.reason,
    at: resolution.at,
    details: 'topic' in resolution ? { topic: resolution.topic, messageId: resolution.messageId } : {},
  };
}

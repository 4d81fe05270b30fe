import type { ParkReason } from '../decisions.js';

/** Where a parked message is in its life: parked until a person requeues or discards it. */
export type ParkedStatus = 'parked' | 'requeuing' | 'requeued' | 'discarded';
/** How long a requeue's claim on a row holds before another requeue may take it over. */
export const DEFAULT_REQUEUE_LEASE_MILLISECONDS = 60_000;

/** May a requeue claim this row now? (status and lease as stored; lease null = a claim from before leases.) */
export function requeueClaimable(status: string, leaseUntil: unknown, now: number, includeStuck: boolean): boolean {
  if (status === 'parked') return true;
  if (status !== 'requeuing') return false;
  if (includeStuck || leaseUntil === null || leaseUntil === undefined) return true;
  const until = leaseUntil instanceof Date ? leaseUntil.getTime() : Date.parse(String(leaseUntil));
  return !(until > now);
}
export const PARKED_STATUSES: readonly ParkedStatus[] = ['parked', 'requeuing', 'requeued', 'discarded'];

/** A dead letter kept in the database for a person to look at. */
export interface ParkedMessage {
  readonly parkedId: string;
  readonly deadLetterMessageId: string;
  readonly eventId: string | undefined;
  readonly eventType: string | undefined;
  readonly eventVersion: number | undefined;
  readonly aggregateId: string | undefined;
  readonly sourceTopic: string | undefined;
  readonly sourceSubscription: string | undefined;
  /** The topic a requeue publishes to. */
  readonly originTopic: string | undefined;
  /** Stable failure code (EVENT_VALIDATION_FAILED, HANDLER_FAILED, MAX_DELIVERY_ATTEMPTS_EXCEEDED, ...). */
  readonly failureCode: string;
  /** The failure in words. */
  readonly failureReason: string;
  readonly parkReason: ParkReason;
  readonly parkNote: string | undefined;
  readonly deliveryAttempts: number;
  readonly retryCount: number;
  readonly firstFailedAt: Date;
  readonly lastFailedAt: Date;
  readonly parkedAt: Date;
  readonly parkedBy: string;
  readonly data: Buffer;
  readonly attributes: Readonly<Record<string, string>>;
  readonly orderingKey: string | undefined;
  readonly status: ParkedStatus;
  readonly resolvedAt: Date | undefined;
  readonly resolvedBy: string | undefined;
  readonly resolutionReason: string | undefined;
  readonly requeueTopic: string | undefined;
  readonly requeueMessageId: string | undefined;
}

/** The fields written when a message is parked. */
export type NewParkedMessage = Omit<
  ParkedMessage,
  'status' | 'resolvedAt' | 'resolvedBy' | 'resolutionReason' | 'requeueTopic' | 'requeueMessageId'
>;

/**
 * Every decision leaves one audit entry: the handler's `retry`, `park` and `discard` on a dead
 * letter, and a person's `requeue` and `discard-parked` on a parked message.
 */
export type AuditAction = 'retry' | 'park' | 'discard' | 'requeue' | 'discard-parked';
export const AUDIT_ACTIONS: readonly AuditAction[] = ['retry', 'park', 'discard', 'requeue', 'discard-parked'];

export interface AuditEntry {
  readonly auditId: number;
  readonly action: AuditAction;
  readonly deadLetterMessageId: string | undefined;
  readonly parkedId: string | undefined;
  readonly eventId: string | undefined;
  readonly eventType: string | undefined;
  /** Who decided: a person, or the handler's configured actor. */
  readonly actor: string;
  /** Why, in their words. */
  readonly reason: string | undefined;
  /** When. */
  readonly at: Date;
  readonly details: Readonly<Record<string, unknown>>;
}

export type NewAuditEntry = Omit<AuditEntry, 'auditId'>;

/** Filters for listing parked messages; times bound `parkedAt` (since inclusive, until exclusive). */
export interface ParkedMessageFilter {
  readonly eventType?: string;
  readonly since?: Date;
  readonly until?: Date;
  /** Default 'parked'; 'all' lists every status. */
  readonly status?: ParkedStatus | 'all';
  /** Default 100. */
  readonly limit?: number;
}

export interface AuditFilter {
  readonly action?: AuditAction;
  readonly eventType?: string;
  readonly parkedId?: string;
  readonly deadLetterMessageId?: string;
  readonly since?: Date;
  readonly until?: Date;
  /** Default 1000. */
  readonly limit?: number;
}

export interface Resolution {
  readonly actor: string;
  readonly reason: string | undefined;
  readonly at: Date;
}

export interface RequeueResolution extends Resolution {
  readonly topic: string;
  readonly messageId: string;
}

export const DEFAULT_LIST_LIMIT = 100;
export const DEFAULT_AUDIT_LIMIT = 1000;

/**
 * The durable side of dead-letter handling. Every write that goes with an ack (park, audit)
 * is idempotent on the dead-letter message id, because Pub/Sub may deliver it again.
 */
export interface ParkedMessageRepository {
  /** Applies the `dlq` migrations (idempotent). */
  migrate(): Promise<void>;
  /** Parks a message and audits it in one transaction; `created` is false for a redelivery. */
  park(message: NewParkedMessage, audit: NewAuditEntry): Promise<{ parkedId: string; created: boolean }>;
  /** Records an audit entry; false when this dead letter already has an entry for this action. */
  recordAudit(entry: NewAuditEntry): Promise<boolean>;
  get(parkedId: string): Promise<ParkedMessage | undefined>;
  list(filter?: ParkedMessageFilter): Promise<ParkedMessage[]>;
  /** Counts parked messages per status (all of them, no filter). */
  countByStatus(): Promise<Record<ParkedStatus, number>>;
  /** Counts audit entries per action, optionally from `since` (inclusive). */
  countAuditByAction(since?: Date): Promise<Record<AuditAction, number>>;
  /**
   * Moves 'parked' to 'requeuing' under a lease of `leaseMilliseconds` (default
   * DEFAULT_REQUEUE_LEASE_MILLISECONDS) so two operators cannot requeue one message at once.
   * A row left in 'requeuing' by a requeue that died is claimed again once its lease has expired
   * (or at once with `includeStuck`): the event may then arrive twice; consumers dedupe by id.
   */
  claimForRequeue(parkedId: string, options?: { includeStuck?: boolean; leaseMilliseconds?: number }): Promise<ParkedMessage>;
  /** Moves 'requeuing' back to 'parked' after a failed publish. */
  releaseRequeueClaim(parkedId: string): Promise<void>;
  /** Moves 'requeuing' to 'requeued' and audits it, in one transaction. */
  completeRequeue(parkedId: string, resolution: RequeueResolution): Promise<ParkedMessage>;
  /** Moves 'parked' to 'discarded' and audits it, in one transaction. */
  discard(parkedId: string, resolution: Resolution): Promise<ParkedMessage>;
  listAudit(filter?: AuditFilter): Promise<AuditEntry[]>;
  close(): Promise<void>;
}

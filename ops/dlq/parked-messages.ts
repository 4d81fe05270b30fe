import { hostname, userInfo } from 'node:os';
import { REQUEUE_COUNT, REQUEUED_FROM, RETRY_COUNT, RETRY_FOR_SUBSCRIPTION } from '../../runtime/dlq/attributes.js';
import { withoutPerFailureAttributes } from '../../runtime/dlq/decisions.js';
import { NoRouteError, ParkedMessageNotFoundError } from '../../runtime/dlq/errors.js';
import type {
  AuditAction,
  AuditEntry,
  AuditFilter,
  ParkedMessage,
  ParkedMessageFilter,
  ParkedMessageRepository,
  ParkedStatus,
} from '../../runtime/dlq/repository/parked-message.js';
import type { DeadLetterChannel, OutgoingMessage } from '../../runtime/dlq/transport-port.js';

export interface ParkedMessagesOptions {
  readonly repository: ParkedMessageRepository;
  /** Needed to requeue; list/show/discard work without it. */
  readonly channel?: DeadLetterChannel;
  /** Who is acting, for the audit trail. Default: `<os user>@<host>`. */
  readonly actor?: string;
}

export interface OperatorAction {
  /** Overrides the default actor for this one action. */
  readonly actor?: string;
  /** Why, for the audit trail. */
  readonly reason?: string;
}

export interface RequeueAction extends OperatorAction {
  /** Publish here instead of the message's origin topic. */
  readonly topic?: string;
  /**
   * Also requeue a message stuck in 'requeuing' before its lease expired. Not needed after a
   * crash: an expired lease is reclaimed anyway. The event may then arrive twice; consumers dedupe by id.
   */
  readonly force?: boolean;
  /** How long this requeue's claim holds (default DEFAULT_REQUEUE_LEASE_MILLISECONDS). */
  readonly leaseMilliseconds?: number;
}

export interface RequeueResult {
  readonly parked: ParkedMessage;
  readonly topic: string;
  readonly messageId: string;
}

/** `<os user>@<host>`: who ran the command, when nobody said otherwise. */
export function defaultOperator(): string {
  let user = process.env.USER ?? 'unknown';
  try {
    user = userInfo().username;
  } catch {
    /* no passwd entry in some containers */
  }
  return `${user}@${hostname()}`;
}

/**
 * Operating parked messages: list, show, requeue, discard. The CLI's `event-bus dlq` verbs are
 * thin wrappers over this class.
 */
export class ParkedMessages {
  private readonly actor: string;

  constructor(private readonly options: ParkedMessagesOptions) {
    this.actor = options.actor ?? defaultOperator();
  }

  list(filter: ParkedMessageFilter = {}): Promise<ParkedMessage[]> {
    return this.options.repository.list(filter);
  }

  async show(parkedId: string): Promise<ParkedMessage> {
    const parked = await this.options.repository.get(parkedId);
    if (!parked) throw new ParkedMessageNotFoundError(parkedId);
    return parked;
  }

  audit(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    return this.options.repository.listAudit(filter);
  }

  countByStatus(): Promise<Record<ParkedStatus, number>> {
    return this.options.repository.countByStatus();
  }

  /** Decisions taken per action (optionally since a time): the countable side of "nothing lost". */
  countAuditByAction(since?: Date): Promise<Record<AuditAction, number>> {
    return this.options.repository.countAuditByAction(since);
  }

  /**
   * Sends a parked message back through the normal path: its origin topic, with the original
   * bytes and envelope attributes, a fresh retry budget, and a note of where it came from.
   * Claim first, publish, then mark requeued: two operators cannot requeue it twice, and a
   * failed publish leaves it parked.
   */
  async requeue(parkedId: string, action: RequeueAction = {}): Promise<RequeueResult> {
    const channel = this.options.channel;
    if (!channel) throw new NoRouteError(parkedId, 'no transport was given to publish with');
    const parked = await this.show(parkedId);
    const topic = action.topic ?? parked.originTopic ?? parked.sourceTopic;
    if (!topic) throw new NoRouteError(parkedId, 'its origin topic is unknown; pass a topic explicitly');
    const claimed = await this.options.repository.claimForRequeue(parkedId, {
      includeStuck: action.force === true,
      ...(action.leaseMilliseconds !== undefined && { leaseMilliseconds: action.leaseMilliseconds }),
    });
    let messageId: string;
    try {
      messageId = await channel.publish(topic, requeueMessage(claimed));
    } catch (error) {
      await this.options.repository.releaseRequeueClaim(parkedId);
      throw error;
    }
    const requeued = await this.options.repository.completeRequeue(parkedId, {
      actor: action.actor ?? this.actor,
      reason: action.reason,
      at: new Date(),
      topic,
      messageId,
    });
    return { parked: requeued, topic, messageId };
  }

  /** Marks a parked message discarded, with who/why/when in the audit trail. */
  discard(parkedId: string, action: OperatorAction = {}): Promise<ParkedMessage> {
    return this.options.repository.discard(parkedId, {
      actor: action.actor ?? this.actor,
      reason: action.reason,
      at: new Date(),
    });
  }
}

/** The message a requeue publishes: original bytes and attributes, retry budget reset. */
export function requeueMessage(parked: ParkedMessage): OutgoingMessage {
  const attributes = withoutPerFailureAttributes(parked.attributes);
  delete attributes[RETRY_COUNT];
  delete attributes[RETRY_FOR_SUBSCRIPTION];
  attributes[REQUEUED_FROM] = parked.parkedId;
  attributes[REQUEUE_COUNT] = String((Number.parseInt(parked.attributes[REQUEUE_COUNT] ?? '0', 10) || 0) + 1);
  return {
    data: parked.data,
    attributes,
    ...(parked.orderingKey !== undefined && { orderingKey: parked.orderingKey }),
  };
}

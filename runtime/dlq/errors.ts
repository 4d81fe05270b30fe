import { EventBusError } from '../errors.js';

/** Bad options for a dead-letter component (names the option). */
export class DeadLetterConfigError extends EventBusError {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super('DLQ_CONFIG_INVALID', `Dead-letter option '${option}': ${message}`);
  }
}

/** A parked message id that is not in the database. */
export class ParkedMessageNotFoundError extends EventBusError {
  constructor(readonly parkedId: string) {
    super('DLQ_PARKED_NOT_FOUND', `No parked message with id '${parkedId}'`);
  }
}

/** An operation on a parked message that is no longer parked (already requeued or discarded). */
export class ParkedMessageStateError extends EventBusError {
  constructor(
    readonly parkedId: string,
    readonly status: string,
    readonly operation: string,
  ) {
    super(
      'DLQ_PARKED_NOT_PARKED',
      `Cannot ${operation} message '${parkedId}': its status is '${status}', not 'parked'`,
    );
  }
}

/** The dead-letter handler did not return one of the known decisions. */
export class InvalidDecisionError extends EventBusError {
  constructor(readonly decision: unknown) {
    super(
      'DLQ_INVALID_DECISION',
      `Dead-letter handler returned ${JSON.stringify(decision) ?? String(decision)}; expected 'retry', 'discard', 'manual' or { action, reason }`,
    );
  }
}

/** The dead-letter handler did not settle within `handlerTimeoutMs`. */
export class DeadLetterHandlerTimeoutError extends EventBusError {
  constructor(
    readonly messageId: string,
    readonly timeoutMs: number,
  ) {
    super('DLQ_HANDLER_TIMEOUT', `Dead-letter handler for message '${messageId}' did not finish within ${timeoutMs} ms`);
  }
}

/** The message has no topic to retry or requeue to. */
export class NoRouteError extends EventBusError {
  constructor(
    readonly messageId: string,
    reason: string,
  ) {
    super('DLQ_NO_ROUTE', `Cannot route message '${messageId}' back: ${reason}`);
  }
}

import { EventBusError } from '../errors.js';

/** gRPC statuses after which the same publish may succeed later (the broker was down, slow or busy). */
const RETRYABLE_GRPC_CODES = new Set([1, 4, 8, 10, 13, 14]);

/** The broker refused or failed a publish. Keeps the ordering key and the original (gRPC) error. */
export class PublishError extends EventBusError {
  constructor(
    readonly topic: string,
    readonly eventId: string,
    readonly orderingKey: string | undefined,
    cause: unknown,
    code: 'PUBLISH_FAILED' | 'PUBLISH_TIMEOUT' | 'ORDERING_KEY_PAUSED' = 'PUBLISH_FAILED',
  ) {
    const grpc = cause as { code?: unknown; message?: unknown } | null;
    super(
      code,
      `Publishing event ${eventId} to topic '${topic}'${orderingKey !== undefined ? ` (ordering key '${orderingKey}')` : ''} failed: ` +
        `${typeof grpc?.message === 'string' ? grpc.message : String(cause)}`,
      { cause },
    );
  }

  /** The gRPC status code of the underlying error, when it has one. */
  get grpcCode(): number | undefined {
    const code = (this.cause as { code?: unknown } | null)?.code;
    return typeof code === 'number' ? code : undefined;
  }

  /** Publishing the same event again later may succeed (timeouts, an unreachable broker, a paused key). */
  get retryable(): boolean {
    if (this.code !== 'PUBLISH_FAILED') return true;
    const code = this.grpcCode;
    return code !== undefined ? RETRYABLE_GRPC_CODES.has(code) : /Total timeout|ECONNREFUSED|UNAVAILABLE|DEADLINE/i.test(this.message);
  }
}

/** The broker did not acknowledge within `publishTimeoutMilliseconds` (retryable; the event may still arrive). */
export class PublishTimeoutError extends PublishError {
  constructor(
    topic: string,
    eventId: string,
    orderingKey: string | undefined,
    readonly timeoutMilliseconds: number,
    cause?: unknown,
  ) {
    super(topic, eventId, orderingKey, cause ?? new Error(`no acknowledgement within ${timeoutMilliseconds} ms`), 'PUBLISH_TIMEOUT');
  }
}

/** publishMany: some events were published, some were not. */
export class PublishManyError extends EventBusError {
  constructor(
    /** Message id per input event, undefined where it failed. */
    readonly messageIds: readonly (string | undefined)[],
    readonly failures: readonly { index: number; error: unknown }[],
  ) {
    super(
      'PUBLISH_MANY_FAILED',
      `${failures.length} of ${messageIds.length} events failed to publish; first: ${String((failures[0]?.error as Error | undefined)?.message ?? failures[0]?.error)}`,
    );
  }
}

/** The envelope itself (not the payload) is unusable. */
export class InvalidEnvelopeError extends EventBusError {
  constructor(
    readonly eventType: string,
    readonly field: string,
    reason: string,
  ) {
    super('INVALID_ENVELOPE', `${eventType}: envelope field '/${field}' ${reason}`);
  }
}

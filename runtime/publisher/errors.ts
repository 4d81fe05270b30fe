import { EventBusError } from '../errors.js';

/** The broker refused or failed a publish. Keeps the ordering key and the original (gRPC) error. */
export class PublishError extends EventBusError {
  constructor(
    readonly topic: string,
    readonly eventId: string,
    readonly orderingKey: string | undefined,
    cause: unknown,
  ) {
    const grpc = cause as { code?: unknown; message?: unknown } | null;
    super(
      'PUBLISH_FAILED',
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

import { EventBusError } from '../errors.js';

export const ProjectionErrorCode = {
  Definition: 'PROJECTION_DEFINITION',
  InlineFailed: 'PROJECTION_INLINE_FAILED',
  NotReady: 'PROJECTION_NOT_READY',
  Unknown: 'PROJECTION_UNKNOWN',
  RebuildInProgress: 'PROJECTION_REBUILD_IN_PROGRESS',
  RebuildLost: 'PROJECTION_REBUILD_LOST',
  HandlerFailed: 'PROJECTION_HANDLER_FAILED',
  NotRebuildable: 'PROJECTION_NOT_REBUILDABLE',
} as const;
export type ProjectionErrorCode = (typeof ProjectionErrorCode)[keyof typeof ProjectionErrorCode];

export class ProjectionError extends EventBusError {
  declare readonly code: ProjectionErrorCode;
  constructor(
    code: ProjectionErrorCode,
    readonly projection: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

export class ProjectionDefinitionError extends ProjectionError {
  constructor(projection: string, message: string) {
    super(ProjectionErrorCode.Definition, projection, `Projection '${projection}': ${message}`);
  }
}

/** An inline projection threw: the append was rolled back (no event, no read-model change). */
export class InlineProjectionError extends ProjectionError {
  constructor(
    projection: string,
    readonly eventId: string,
    readonly eventType: string,
    cause: unknown,
  ) {
    super(
      ProjectionErrorCode.InlineFailed,
      projection,
      `Inline projection '${projection}' failed on ${eventType} '${eventId}': ${cause instanceof Error ? cause.message : String(cause)}; the append was rolled back`,
      { cause },
    );
  }
}

export function isInlineProjectionError(error: unknown): error is InlineProjectionError {
  return error instanceof InlineProjectionError;
}

/** An async or inbox projection's handler threw; the batch was rolled back, the checkpoint kept. */
export class ProjectionHandlerError extends ProjectionError {
  constructor(
    projection: string,
    readonly eventId: string,
    readonly eventType: string,
    cause: unknown,
  ) {
    super(
      ProjectionErrorCode.HandlerFailed,
      projection,
      `Projection '${projection}' failed on ${eventType} '${eventId}': ${cause instanceof Error ? cause.message : String(cause)}; its batch was rolled back`,
      { cause },
    );
  }
}

export class ProjectionNotReadyError extends ProjectionError {
  constructor(projection: string) {
    super(
      ProjectionErrorCode.NotReady,
      projection,
      `Projection '${projection}' has no state in this database: call ensureProjections(...) before appending`,
    );
  }
}

export class UnknownProjectionError extends ProjectionError {
  constructor(projection: string, known: readonly string[]) {
    super(
      ProjectionErrorCode.Unknown,
      projection,
      `No projection named '${projection}' (known: ${known.length > 0 ? known.join(', ') : 'none'})`,
    );
  }
}

export class ProjectionRebuildInProgressError extends ProjectionError {
  constructor(projection: string, owner: string) {
    super(
      ProjectionErrorCode.RebuildInProgress,
      projection,
      `Projection '${projection}' is being rebuilt by '${owner}'; try again when it is done`,
    );
  }
}

/** Another rebuild took over this one (its lease expired): this one stops without switching. */
export class ProjectionRebuildLostError extends ProjectionError {
  constructor(projection: string) {
    super(
      ProjectionErrorCode.RebuildLost,
      projection,
      `The rebuild of projection '${projection}' was taken over by another`,
    );
  }
}

export class ProjectionNotRebuildableError extends ProjectionError {
  constructor(projection: string, why: string) {
    super(ProjectionErrorCode.NotRebuildable, projection, `Projection '${projection}' cannot be rebuilt: ${why}`);
  }
}

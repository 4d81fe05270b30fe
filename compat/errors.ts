import { EventBusError, isEventBusError } from '../runtime/errors.js';

/** Input the checker cannot read: a missing file, invalid JSON, not a schema, a dangling $ref. */
export class CompatInputError extends EventBusError {
  readonly file: string;
  readonly pointer: string | undefined;

  constructor(
    code: CompatInputErrorCode,
    file: string,
    reason: string,
    options?: { pointer?: string; cause?: unknown },
  ) {
    super(code, `${file}${options?.pointer !== undefined ? `#${options.pointer}` : ''}: ${reason}`, options);
    this.file = file;
    this.pointer = options?.pointer;
  }
}

export type CompatInputErrorCode =
  | 'COMPAT_FILE_MISSING'
  | 'COMPAT_INVALID_JSON'
  | 'COMPAT_NOT_A_SCHEMA'
  | 'COMPAT_REF_UNRESOLVED'
  | 'COMPAT_GIT_FAILED'
  | 'COMPAT_USAGE';

export function isCompatInputError(error: unknown): error is CompatInputError {
  return isEventBusError(error) && error.code.startsWith('COMPAT_') && typeof (error as { file?: unknown }).file === 'string';
}

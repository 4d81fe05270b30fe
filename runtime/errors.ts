/**
 * One small error hierarchy for the whole product. Every error carries a stable `code`
 * so callers (and the CLI's exit codes) can branch without parsing messages.
 *
 * Guards match by brand and code, not only by `instanceof`: two copies of the runtime in one
 * process (a service and a library each depending on the package) still recognise each other's
 * errors. The brand is a registered symbol (`Symbol.for`), so it is the same in every copy.
 * Messages are redacted (runtime/redact.ts): no typed error ever carries a password.
 */
import { redactSecrets } from './redact.js';

const EVENT_BUS_ERROR = Symbol.for('@clone/event-bus/error');

export class EventBusError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(redactSecrets(message), options);
    this.name = new.target.name;
    this.code = code;
  }

  /** Marks every EventBusError of every copy of the runtime (see hasErrorCode). */
  get [EVENT_BUS_ERROR](): true {
    return true;
  }
}

/** An EventBusError of this or another copy of the runtime, optionally with this code. */
export function isEventBusError(error: unknown, code?: string): error is EventBusError {
  if (!(error instanceof EventBusError) && !isBranded(error)) return false;
  return code === undefined || error.code === code;
}

/** Whether an EventBusError (of any copy of the runtime) carries one of these codes. */
export function hasErrorCode<C extends string>(error: unknown, ...codes: readonly C[]): error is EventBusError & { code: C } {
  return isEventBusError(error) && (codes as readonly string[]).includes(error.code);
}

function isBranded(error: unknown): error is EventBusError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { [EVENT_BUS_ERROR]?: unknown })[EVENT_BUS_ERROR] === true &&
    typeof (error as { code?: unknown }).code === 'string'
  );
}

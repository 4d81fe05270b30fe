/**
 * One small error hierarchy for the whole product. Every error carries a stable `code`
 * so callers (and the CLI's exit codes) can branch without parsing messages. Messages are
 * redacted (runtime/redact.ts): no typed error ever carries a password.
 */
import { redactSecrets } from './redact.js';

export class EventBusError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(redactSecrets(message), options);
    this.name = new.target.name;
    this.code = code;
  }
}

export function isEventBusError(error: unknown, code?: string): error is EventBusError {
  return error instanceof EventBusError && (code === undefined || error.code === code);
}

import { EventBusError } from './errors.js';

/** One schema violation, in the shape ajv reports it (instance path is a JSON pointer). */
export interface ValidationIssue {
  /** JSON pointer into the validated value, '' for the root. */
  instancePath: string;
  /** JSON pointer into the schema, e.g. '#/properties/email/format'. */
  schemaPath: string;
  keyword: string;
  message: string;
  params: Record<string, unknown>;
}

export type ValidationResult = { valid: true } | { valid: false; issues: ValidationIssue[] };

/** A validator compiled ahead of time for one event version's payload schema. */
export type PayloadValidator = (payload: unknown) => ValidationResult;

/** Thrown when a payload does not match its event version's schema. */
export class EventValidationError extends EventBusError {
  readonly eventType: string;
  readonly eventVersion: number;
  readonly issues: ValidationIssue[];

  constructor(eventType: string, eventVersion: number, issues: ValidationIssue[]) {
    super(
      'EVENT_VALIDATION_FAILED',
      `${eventType} v${eventVersion} payload is invalid: ${formatIssues(issues)}`,
    );
    this.eventType = eventType;
    this.eventVersion = eventVersion;
    this.issues = issues;
  }
}

/** `'/email' must match format "email"; '' must have required property 'name'` */
export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((issue) => `'${issue.instancePath}' ${issue.message}`).join('; ');
}

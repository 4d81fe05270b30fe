/** Exit codes CI can trust (after buf): findings and failures are told apart. */
export const EXIT_OK = 0;
/** Findings: incompatible change, stale generated code, drift. */
export const EXIT_FINDINGS = 1;
/** Usage error or unreadable input. */
export const EXIT_USAGE = 2;
/** Unexpected failure: a service is down, a bug — anything that is neither findings nor bad input. */
export const EXIT_FAILURE = 3;

/**
 * `YYYY-MM-DDTHH:MM:SS[.fraction]Z` with every field in range: what `Date.prototype.toISOString`
 * (and so createEvent) writes. Every string it matches is one Date.parse accepts
 * (test/runtime/publisher-hot-path.unit.test.ts holds it to that), so the publisher's envelope
 * check can take it as the cheap first test and leave every other string to Date.parse.
 */
export const ISO_UTC_TIMESTAMP = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?Z$/;

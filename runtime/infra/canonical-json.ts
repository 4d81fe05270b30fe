/**
 * Canonical JSON: object keys sorted, no whitespace. Two Avro definitions are "the same
 * revision" when their canonical forms are equal, whatever spacing or key order Pub/Sub
 * stores them with.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** Canonical form of definition text, or undefined when it is not JSON. */
export function canonicalDefinition(definition: string | object): string | undefined {
  if (typeof definition !== 'string') return canonicalJson(definition);
  try {
    return canonicalJson(JSON.parse(definition));
  } catch {
    return undefined;
  }
}

/**
 * Canonical JSON: object keys sorted, no whitespace. Two Avro definitions hold "the same
 * revision" when their canonical forms are equal, whatever spacing or key order Pub/Sub
 * stores them with.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalize(value, false));
}

/**
 * Canonical form of an Avro definition for matching revisions to versions: canonical JSON
 * without `doc` attributes. Documentation does not change what Pub/Sub accepts or how bytes
 * decode, so a reworded description must not turn a version's revision into a stranger (which
 * sync would delete and recommit). Default values are kept verbatim, `doc` keys inside them too.
 * Undefined when the text is not JSON.
 */
export function canonicalDefinition(definition: string | object): string | undefined {
  let value: unknown = definition;
  if (typeof definition === 'string') {
    try {
      value = JSON.parse(definition);
    } catch {
      return undefined;
    }
  }
  return JSON.stringify(normalize(value, true));
}

function normalize(value: unknown, stripDoc: boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => normalize(item, stripDoc));
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(object)
        .filter((key) => !(stripDoc && key === 'doc'))
        .sort()
        .map((key) => [key, key === 'default' ? normalize(object[key], false) : normalize(object[key], stripDoc)]),
    );
  }
  return value;
}

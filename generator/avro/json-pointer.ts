/** RFC 6901 JSON pointers: building them while walking a schema and following them for `$ref`. */

export function appendPointer(pointer: string, ...segments: Array<string | number>): string {
  return segments.reduce<string>(
    (result, segment) => `${result}/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`,
    pointer,
  );
}

export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The value at `pointer` inside `document`, or undefined when the path does not exist. */
export function resolvePointer(document: unknown, pointer: string): unknown {
  let current: unknown = document;
  for (const segment of pointerSegments(pointer)) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

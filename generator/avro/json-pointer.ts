/** RFC 6901 JSON pointers for the Avro converter: the registry module's one helper (registry/pointer.ts). */
import { getAtPointer, joinPointer, splitPointer } from '../../registry/pointer.js';

export function appendPointer(pointer: string, ...segments: Array<string | number>): string {
  return joinPointer(pointer, ...segments);
}

export function pointerSegments(pointer: string): string[] {
  return splitPointer(pointer);
}

/** The value at `pointer` inside `document`, or undefined when the path does not exist. */
export function resolvePointer(document: unknown, pointer: string): unknown {
  return getAtPointer(document, pointer);
}

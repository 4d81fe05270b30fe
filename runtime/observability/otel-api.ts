/**
 * `@opentelemetry/api` is an optional peer dependency: it is resolved on first use, never
 * imported statically, so the runtime loads and runs without it (every hook then does nothing).
 * The API keeps its registrations on `globalThis`, so this copy sees the tracer and meter
 * providers an application registered through its own import of the package.
 */
import { createRequire } from 'node:module';
import type * as OtelApiModule from '@opentelemetry/api';

export type OtelApi = typeof OtelApiModule;

let resolved: OtelApi | null | undefined;

/** The OpenTelemetry API, or undefined when the package is not installed. */
export function otelApi(): OtelApi | undefined {
  if (resolved === undefined) {
    try {
      resolved = createRequire(import.meta.url)('@opentelemetry/api') as OtelApi;
    } catch {
      resolved = null;
    }
  }
  return resolved ?? undefined;
}

/** Tests only: pretend the package is (not) installed; `undefined` resolves it again. */
export function setOtelApiForTesting(api: OtelApi | null | undefined): void {
  resolved = api;
}

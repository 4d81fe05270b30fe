/**
 * (b) generated/ is up to date. The generator owns the rendering; the check asks it, through its
 * programmatic entry `generate({ input, out, check: true })`, which files are stale. It is imported
 * lazily so `event-bus diff` and the rest of the check never load the generator.
 */
import { relative, resolve } from 'node:path';
import type { Finding } from '../findings.js';
import { ASYNCAPI_FILE } from './registry.js';

export const GENERATED_DIR = 'generated';

interface GeneratorModule {
  generate(options: {
    input?: string;
    out?: string;
    check?: boolean;
    runtimeImport?: string;
    avro?: boolean;
    bindRuntimeClasses?: boolean;
  }): Promise<{ stale: string[] }>;
}

/** How the project generates (event-bus.config.json / generate's flags): what freshness compares against. */
export interface GeneratedSettings {
  /** The registry document, absolute or relative to the root; default `<root>/asyncapi.yaml`. */
  input?: string;
  /** Absolute output folder; default `<root>/generated`. */
  out?: string;
  runtimeImport?: string;
  avro?: boolean;
  bindRuntimeClasses?: boolean;
}

export type FreshnessResult = { findings: Finding[]; skipped?: string };

export async function checkGeneratedFresh(root: string, settings: GeneratedSettings = {}): Promise<FreshnessResult> {
  const out = settings.out ?? resolve(root, GENERATED_DIR);
  const shown = relative(root, out).split('\\').join('/') || '.';
  let generator: GeneratorModule;
  try {
    generator = (await import('../../generator/index.js')) as unknown as GeneratorModule;
  } catch (error) {
    return { findings: [], skipped: `the generator could not be loaded (${(error as Error).message})` };
  }
  if (typeof generator.generate !== 'function') return { findings: [], skipped: 'the generator exports no generate()' };
  let stale: string[];
  try {
    ({ stale } = await generator.generate({
      input: resolve(root, settings.input ?? ASYNCAPI_FILE),
      out,
      check: true,
      ...(settings.runtimeImport !== undefined && { runtimeImport: settings.runtimeImport }),
      ...(settings.avro !== undefined && { avro: settings.avro }),
      ...(settings.bindRuntimeClasses !== undefined && { bindRuntimeClasses: settings.bindRuntimeClasses }),
    }));
  } catch (error) {
    // An invalid registry is reported by the AsyncAPI and schema checks; say why generation stopped.
    return { findings: [], skipped: `generation failed: ${(error as Error).message.split('\n')[0]}` };
  }
  return {
    findings: stale.map((file) => ({
      file: `${shown}/${file}`,
      line: 1,
      column: 1,
      rule: 'GENERATED_STALE',
      message: `${shown}/${file} is not what the registry generates (missing, different or no longer generated); run \`event-bus generate\` and commit the result.`,
      pointer: '',
      compatible: false,
    })),
  };
}

/**
 * (b) generated/ is up to date. The generator owns the rendering; the check asks it, through its
 * programmatic entry `generate({ input, out, check: true })`, which files are stale. It is imported
 * lazily so `event-bus diff` and the rest of the check never load the generator.
 */
import { resolve } from 'node:path';
import type { Finding } from '../findings.js';
import { ASYNCAPI_FILE } from './registry.js';

export const GENERATED_DIR = 'generated';

interface GeneratorModule {
  generate(options: { input?: string; out?: string; check?: boolean }): Promise<{ stale: string[] }>;
}

export type FreshnessResult = { findings: Finding[]; skipped?: string };

export async function checkGeneratedFresh(root: string): Promise<FreshnessResult> {
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
      input: resolve(root, ASYNCAPI_FILE),
      out: resolve(root, GENERATED_DIR),
      check: true,
    }));
  } catch (error) {
    // An invalid registry is reported by the AsyncAPI and schema checks; say why generation stopped.
    return { findings: [], skipped: `generation failed: ${(error as Error).message.split('\n')[0]}` };
  }
  return {
    findings: stale.map((file) => ({
      file: `${GENERATED_DIR}/${file}`,
      line: 1,
      column: 1,
      rule: 'GENERATED_STALE',
      message: `${GENERATED_DIR}/${file} is not what the registry generates (missing, different or no longer generated); run \`npm run generate\` and commit the result.`,
      pointer: '',
      compatible: false,
    })),
  };
}

/**
 * Every file the generator writes or removes must lie under `--out`: a channel address such as
 * `../../x` (which names the Avro definition's folder) is refused instead of written outside.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { GeneratorError } from '../errors.js';

export class OutputPathError extends GeneratorError {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super('OUTPUT_PATH_REFUSED', `refusing to write ${JSON.stringify(file)}: ${reason}`);
  }
}

/**
 * The absolute path of `relative` under `out`; throws OutputPathError when it would leave `out`
 * (`..`, absolute, NUL, control characters, a backslash, or an existing symlink pointing out).
 */
export function assertOutputPath(out: string, relative: string): string {
  const root = path.resolve(out);
  if (relative === '' || relative.includes('\0') || /[\u0000-\u001f\u007f\\]/.test(relative)) {
    throw new OutputPathError(relative, 'the path holds a control character or a backslash');
  }
  if (path.isAbsolute(relative) || relative.split('/').some((segment) => segment === '..' || segment === '.' || segment === '')) {
    throw new OutputPathError(relative, `it is not a plain relative path under ${out} (an event type or channel address with '..' or '/' at the ends?)`);
  }
  const absolute = path.resolve(root, relative);
  if (!inside(root, absolute)) throw new OutputPathError(relative, `it resolves outside ${out}`);
  // An existing folder on the way may be a symlink out of the output directory.
  const realRoot = realOrSelf(root);
  let probe = path.dirname(absolute);
  while (inside(root, probe)) {
    const real = realOrUndefined(probe);
    if (real !== undefined) {
      if (!inside(realRoot, real)) throw new OutputPathError(relative, `${path.relative(root, probe)} is a link out of ${out}`);
      break;
    }
    if (probe === root) break;
    probe = path.dirname(probe);
  }
  return absolute;
}

function inside(base: string, candidate: string): boolean {
  const relative = path.relative(base, candidate);
  return relative === '' || (relative !== '..' && !relative.startsWith('..' + path.sep) && !path.isAbsolute(relative));
}

function realOrUndefined(file: string): string | undefined {
  try {
    return realpathSync(file);
  } catch {
    return undefined;
  }
}

function realOrSelf(file: string): string {
  return realOrUndefined(file) ?? file;
}

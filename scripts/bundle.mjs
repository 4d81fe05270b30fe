/**
 * `node scripts/bundle.mjs <tsc output dir> [entry names]` (the last step of `npm run build`; decision 0135):
 * bundles tsc's JavaScript for the package's entry points into <dir>/esm/, the files the
 * `exports` map points at. One esbuild run over all entry points with code splitting: modules they
 * share land in shared chunks, so a class is one class whichever entry point it is imported from.
 * Dependencies stay external (`packages: 'external'`), lazy `import()`s stay lazy (their own
 * chunks), and nothing is minified: the bundle is tsc's output concatenated, with source maps
 * chained back to the TypeScript. Why: Node's ESM loader costs about a millisecond per module
 * file, and the root imported ~80 of them.
 *
 * Every output file sits directly in <dir>/esm/ (entry points and chunks alike), so the two
 * `import.meta.url`-relative migration directories are rewritten to the copies under
 * <dir>/runtime/; the build fails if either rewrite no longer finds its text.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

const ENTRY_POINTS = {
  index: 'index.js',
  runtime: 'runtime/index.js',
  store: 'store.js',
  dlq: 'dlq.js',
  testing: 'testing/index.js',
};

/** Module (relative to the tsc output) → the text to find and what it becomes in <dir>/esm/. */
const RELOCATIONS = {
  'runtime/store/migrations.js': ["new URL('./migrations/', import.meta.url)", "new URL('../runtime/store/migrations/', import.meta.url)"],
  'runtime/dlq/repository/migrations.js': ["new URL('../migrations/', import.meta.url)", "new URL('../runtime/dlq/migrations/', import.meta.url)"],
};

/** Bundles `dir`'s entry points (all, or the names in `only`) into `dir`/esm/. */
export async function bundleEntryPoints(dir, only = Object.keys(ENTRY_POINTS)) {
  const root = path.resolve(dir);
  const unknown = only.filter((name) => !(name in ENTRY_POINTS));
  if (unknown.length > 0) throw new Error(`bundle: no entry point named ${unknown.join(', ')}`);
  const relocated = new Set();
  await build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(only.map((name) => [name, path.join(root, ENTRY_POINTS[name])])),
    outdir: path.join(root, 'esm'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    // Like tsc's maps: they name the TypeScript files, they do not embed them.
    sourcesContent: false,
    logLevel: 'warning',
    plugins: [
      {
        name: 'relocate-migrations',
        setup(plugin) {
          plugin.onLoad({ filter: /migrations\.js$/ }, async (args) => {
            const relative = path.relative(root, args.path).split(path.sep).join('/');
            const relocation = RELOCATIONS[relative];
            if (!relocation) return undefined;
            const source = await readFile(args.path, 'utf8');
            if (!source.includes(relocation[0])) throw new Error(`bundle: ${relative} no longer contains ${relocation[0]}`);
            relocated.add(relative);
            return { contents: source.replace(relocation[0], relocation[1]), loader: 'js', resolveDir: path.dirname(args.path) };
          });
        },
      },
    ],
  });
  const missing = Object.keys(RELOCATIONS).filter((file) => !relocated.has(file));
  if (missing.length > 0) throw new Error(`bundle: ${missing.join(', ')} not in the bundle (a moved migration directory?)`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const [dir, ...only] = process.argv.slice(2);
  if (!dir) throw new Error('usage: node scripts/bundle.mjs <tsc output dir> [entry point names]');
  await bundleEntryPoints(dir, only.length > 0 ? only : undefined);
}

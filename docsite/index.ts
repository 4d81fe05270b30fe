/**
 * `buildDocsSite()`: the registry as a static, offline event catalog (HTML, or Markdown). Same
 * registry, same bytes; the output folder holds only what the catalog wrote.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadDocsModel } from './source.js';
import { renderHtmlSite } from './render-html.js';
import { renderMarkdownSite } from './render-markdown.js';

export type { DocsSiteModel, DocsEvent, DocsVersion, DocsField, DocsChangelog } from './model.js';
export { loadDocsModel } from './source.js';

export const DOCS_FORMATS = ['html', 'markdown'] as const;
export type DocsFormat = (typeof DOCS_FORMATS)[number];
export const DEFAULT_DOCS_OUT = 'site';

export interface BuildDocsOptions {
  /** AsyncAPI document; default 'asyncapi.yaml'. */
  input?: string;
  /** Output folder; default 'site'. */
  out?: string;
  format?: DocsFormat;
}

export interface BuildDocsResult {
  out: string;
  /** Files written, relative to `out`, sorted. */
  files: string[];
  /** Files of an earlier build that this one no longer produces, removed. */
  removed: string[];
  events: number;
}

/** Renders the catalog as `relative path → content` without writing anything. */
export async function renderDocsSite(options: Omit<BuildDocsOptions, 'out'> = {}): Promise<Map<string, string>> {
  const site = await loadDocsModel(options.input ?? 'asyncapi.yaml');
  return (options.format ?? 'html') === 'markdown' ? renderMarkdownSite(site) : renderHtmlSite(site);
}

export async function buildDocsSite(options: BuildDocsOptions = {}): Promise<BuildDocsResult> {
  const out = path.resolve(options.out ?? DEFAULT_DOCS_OUT);
  const files = await renderDocsSite(options);
  const previous = await listFiles(out);
  for (const [file, content] of files) {
    const target = path.join(out, file);
    // Slugs are made of [a-z0-9._-]; this is the last line of defence for the output folder.
    if (path.relative(out, target).startsWith('..')) throw new Error(`refusing to write ${file} outside ${out}`);
    await mkdir(path.dirname(target), { recursive: true });
    const current = await readFile(target, 'utf8').catch(() => undefined);
    if (current !== content) await writeFile(target, content);
  }
  // Only files this catalog writes (pages and assets) are cleaned up; anything else is left alone.
  const removed = previous.filter((file) => !files.has(file) && /^(index\.html|README\.md|events\/[^/]+\.(html|md)|assets\/[^/]+)$/.test(file));
  for (const file of removed) await rm(path.join(out, file));
  return { out, files: [...files.keys()], removed, events: [...files.keys()].filter((file) => file.startsWith('events/')).length };
}

async function listFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

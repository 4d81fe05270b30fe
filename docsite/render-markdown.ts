/**
 * The Markdown catalog, for repositories that render Markdown (GitHub, GitLab): README.md with a
 * Mermaid map and the table of events, and one page per event type. Registry text is escaped so
 * that it can neither break a table nor inject HTML.
 */
import type { DocsEvent, DocsField, DocsOperation, DocsSiteModel, DocsVersion } from './model.js';

/** Inline text: no raw HTML, no table breaks, no line breaks. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/([\\`*_{}[\]()#+!|~])/g, '\\$1')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** Inline code that holds any text: a fence longer than any backtick run inside. */
function code(text: string): string {
  const clean = text.replace(/[\r\n]+/g, ' ').replace(/\|/g, '\\|');
  const longest = Math.max(0, ...[...clean.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  return longest > 0 ? `${fence} ${clean} ${fence}` : `${fence}${clean}${fence}`;
}

function fenced(language: string, body: string): string {
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${body}\n${fence}`;
}

export function renderMarkdownSite(site: DocsSiteModel): Map<string, string> {
  const files = new Map<string, string>();
  files.set('README.md', renderIndex(site));
  for (const event of site.events) files.set(`events/${event.slug}.md`, renderEvent(event));
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function mermaidLabel(text: string): string {
  return `"${text.replace(/[\r\n]+/g, ' ').replace(/"/g, '#quot;').replace(/[<>]/g, (char) => (char === '<' ? '#lt;' : '#gt;'))}"`;
}

function renderIndex(site: DocsSiteModel): string {
  const lines = [`# ${escapeMarkdown(site.title)}`, '', `Registry version ${escapeMarkdown(site.version)} · ${site.events.length} event types · ${site.services.length} services`, ''];
  if (site.description) lines.push(escapeMarkdown(site.description), '');
  const ids = new Map<string, string>();
  const id = (kind: string, name: string): string => {
    const key = `${kind}\u0000${name}`;
    if (!ids.has(key)) ids.set(key, `${kind}${ids.size}`);
    return ids.get(key)!;
  };
  const graph = ['flowchart LR'];
  for (const event of site.events) {
    const eventNode = id('e', event.eventType);
    graph.push(`  ${eventNode}[${mermaidLabel(event.eventType)}]`);
    for (const service of new Set(event.producers.flatMap((op) => op.services))) graph.push(`  ${id('s', service)}(${mermaidLabel(service)}) --> ${eventNode}`);
    for (const service of new Set(event.consumers.flatMap((op) => op.services))) graph.push(`  ${eventNode} --> ${id('s', service)}(${mermaidLabel(service)})`);
  }
  lines.push('## Map', '', fenced('mermaid', graph.join('\n')), '', '## Events', '');
  lines.push('| Event type | Summary | Aggregate | Versions | Compatibility | Producers | Consumers |', '| --- | --- | --- | --- | --- | --- | --- |');
  for (const event of site.events) {
    lines.push(
      `| [${escapeMarkdown(event.eventType)}](events/${event.slug}.md) | ${escapeMarkdown(event.title ?? event.description ?? '')} | ${escapeMarkdown(event.aggregateType)} | ${event.versions.map((v) => `v${v.version}`).join(', ')} | ${event.compatibility.mode} | ${escapeMarkdown(services(event.producers))} | ${escapeMarkdown(services(event.consumers))} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function services(operations: readonly DocsOperation[]): string {
  return [...new Set(operations.flatMap((operation) => operation.services))].join(', ');
}

function renderEvent(event: DocsEvent): string {
  const lines = [`# ${escapeMarkdown(event.eventType)}`, '', '[← All events](../README.md)', ''];
  if (event.title) lines.push(`**${escapeMarkdown(event.title)}**`, '');
  if (event.description) lines.push(escapeMarkdown(event.description), '');
  lines.push(
    '| | |',
    '| --- | --- |',
    `| Aggregate type | ${escapeMarkdown(event.aggregateType)} |`,
    `| Current version | v${event.currentVersion} |`,
    `| Pub/Sub topic | ${code(`<prefix>.${event.topic}`)} |`,
    `| Ordering | ${event.ordered ? 'ordered per aggregate' : 'unordered'} |`,
    `| Payload encoding | ${event.payloadEncoding} |`,
    `| Compatibility | ${event.compatibility.mode} (${event.compatibility.policy})${event.compatibility.reason ? ` — ${escapeMarkdown(event.compatibility.reason)}` : ''} |`,
    `| Producers | ${escapeMarkdown(services(event.producers)) || 'none listed'} |`,
    `| Consumers | ${escapeMarkdown(services(event.consumers)) || 'none listed'} |`,
    `| Subscriptions | ${event.subscriptions.map(code).join(', ') || 'none listed'} |`,
    '',
  );
  for (const version of [...event.versions].reverse()) lines.push(...renderVersion(event, version));
  return `${lines.join('\n')}\n`;
}

function renderVersion(event: DocsEvent, version: DocsVersion): string[] {
  const lines = [`## Version ${version.version}${version.version === event.currentVersion ? ' (current)' : ''}${version.deprecated ? ' — deprecated' : ''}`, ''];
  if (version.description) lines.push(escapeMarkdown(version.description), '');
  lines.push(`Schema ${code(version.schemaFile)} · ${code(version.schemaId)}`, '');
  if (version.changelog) {
    const log = version.changelog;
    lines.push(`### Changes from v${log.from} to v${log.to}`, '', `${log.compatible ? 'Compatible' : '**Breaking**'} under this event's compatibility mode.`, '');
    const shape = log.changes.filter((change) => !change.metadata);
    if (shape.length === 0) lines.push("No change to the payload's shape.", '');
    for (const change of shape) {
      lines.push(`- ${change.compatible ? '' : '**breaking** '}${code(change.rule)} at ${code(change.pointer || '/')}: ${escapeMarkdown(change.message)}`);
    }
    if (shape.length > 0) lines.push('');
    const documentation = log.changes.filter((change) => change.metadata);
    if (documentation.length > 0) lines.push(`Documentation-only changes: ${documentation.map((change) => code(change.rule)).join(', ')}.`, '');
  }
  lines.push('### Payload fields', '');
  if (version.fields.length === 0) lines.push('No fields.', '');
  else lines.push('| Field | Type | Required | Nullable | Description |', '| --- | --- | --- | --- | --- |', ...version.fields.map(fieldRow), '');
  lines.push('### Examples', '');
  if (version.examples.length === 0) lines.push('None in the schema.', '');
  for (const example of version.examples) lines.push(fenced('json', JSON.stringify(example, null, 2)), '');
  if (version.avroSchema !== undefined) lines.push('<details><summary>Pub/Sub Avro schema</summary>', '', fenced('json', JSON.stringify(version.avroSchema, null, 2)), '', '</details>', '');
  return lines;
}

function fieldRow(field: DocsField): string {
  const notes: string[] = [];
  if (field.enum) notes.push(`one of ${field.enum.map((value) => JSON.stringify(value)).join(', ')}`);
  for (const [name, value] of field.constraints) notes.push(`${name}: ${JSON.stringify(value)}`);
  const description = [field.description, notes.join(' · ')].filter(Boolean).join(' — ');
  return `| ${code(field.path)}${field.deprecated ? ' (deprecated)' : ''} | ${escapeMarkdown(field.type)}${field.format ? ` (${escapeMarkdown(field.format)})` : ''} | ${field.required ? 'required' : 'optional'} | ${field.nullable ? 'nullable' : ''} | ${escapeMarkdown(description)} |`;
}

/**
 * The HTML catalog: index.html (map, search, table of events), one page per event type, and two
 * static assets. Pages link relatively, so the folder works from a web server and from file://.
 */
import { SEARCH_SCRIPT, STYLESHEET } from './assets.js';
import { Html, html, prettyJson, scriptLiteral } from './html.js';
import { renderMap } from './map-svg.js';
import type { DocsChange, DocsEvent, DocsField, DocsOperation, DocsSiteModel, DocsVersion } from './model.js';

export function renderHtmlSite(site: DocsSiteModel): Map<string, string> {
  const files = new Map<string, string>();
  files.set('index.html', page(site.title, '', renderIndex(site)));
  for (const event of site.events) files.set(`events/${event.slug}.html`, page(`${event.eventType} — ${site.title}`, '../', renderEvent(event)));
  files.set('assets/style.css', STYLESHEET);
  files.set('assets/search.js', SEARCH_SCRIPT);
  files.set('assets/search-index.js', `window.EVENT_CATALOG_INDEX = ${scriptLiteral(searchIndex(site)).text};\n`);
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function page(title: string, root: string, body: Html): string {
  return `${html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="${root}assets/style.css">
</head>
<body>
${body}
</body>
</html>`.text}\n`;
}

function renderIndex(site: DocsSiteModel): Html {
  return html`<header><h1>${site.title}</h1><p class="meta">Registry version ${site.version} · ${site.events.length} event types · ${site.services.length} services</p></header>
<main>
${site.description ? html`<p class="description">${site.description}</p>` : ''}
<section class="search">
<label for="search">Search events and fields</label>
<input id="search" type="search" placeholder="e.g. conversation, email, tokenUsage" autocomplete="off">
<ul id="search-results" aria-live="polite"></ul>
</section>
<section><h2>Map</h2>${renderMap(site)}</section>
<section><h2>Events</h2>
<table class="events"><thead><tr><th>Event type</th><th>Summary</th><th>Aggregate</th><th>Versions</th><th>Compatibility</th><th>Producers</th><th>Consumers</th></tr></thead>
<tbody>
${site.events.map(
  (event) => html`<tr data-event-type="${event.eventType}"><td><a href="events/${event.slug}.html">${event.eventType}</a></td><td>${event.title ?? event.description ?? ''}</td><td>${event.aggregateType}</td><td>${event.versions.map((version) => `v${version.version}`).join(', ')}</td><td>${event.compatibility.mode}</td><td>${services(event.producers)}</td><td>${services(event.consumers)}</td></tr>
`,
)}
</tbody></table>
</section>
</main>
<script src="assets/search-index.js"></script>
<script src="assets/search.js"></script>`;
}

function services(operations: readonly DocsOperation[]): string {
  return [...new Set(operations.flatMap((operation) => operation.services))].join(', ');
}

function renderEvent(event: DocsEvent): Html {
  const newestFirst = [...event.versions].reverse();
  return html`<header><p><a href="../index.html">← All events</a></p><h1>${event.eventType}</h1>
${event.title ? html`<p class="title">${event.title}</p>` : ''}${event.description ? html`<p class="description">${event.description}</p>` : ''}</header>
<main>
<section><h2>At a glance</h2>
<dl class="facts">
<dt>Aggregate type</dt><dd>${event.aggregateType}</dd>
<dt>Current version</dt><dd>v${event.currentVersion}</dd>
<dt>Pub/Sub topic</dt><dd><code>&lt;prefix&gt;.${event.topic}</code> (e.g. <code>clone.${event.topic}</code>)</dd>
<dt>Ordering</dt><dd>${event.ordered ? 'ordered per aggregate (ordering key = aggregate id)' : 'unordered'}</dd>
<dt>Payload encoding</dt><dd>${event.payloadEncoding}</dd>
<dt>Compatibility</dt><dd>${event.compatibility.mode} (${event.compatibility.policy})${event.compatibility.reason ? html` — <span class="reason">${event.compatibility.reason}</span>` : ''}</dd>
<dt>Producers</dt><dd>${operationList(event.producers)}</dd>
<dt>Consumers</dt><dd>${operationList(event.consumers)}</dd>
<dt>Subscriptions</dt><dd>${event.subscriptions.length > 0 ? html`<ul>${event.subscriptions.map((name) => html`<li><code>${name}</code></li>`)}</ul>` : 'none listed'}</dd>
</dl>
</section>
${newestFirst.map((version) => renderVersion(event, version))}
</main>`;
}

function operationList(operations: readonly DocsOperation[]): Html | string {
  if (operations.length === 0) return 'none listed';
  return html`<ul>${operations.map(
    (operation) => html`<li>${operation.services.join(', ')} <span class="meta">(operation <code>${operation.id}</code>${operation.title ? html`: ${operation.title}` : ''})</span></li>`,
  )}</ul>`;
}

function renderVersion(event: DocsEvent, version: DocsVersion): Html {
  const id = `v${version.version}`;
  return html`<section class="version" id="${id}"><h2>Version ${version.version}${version.version === event.currentVersion ? ' (current)' : ''}${version.deprecated ? ' — deprecated' : ''}</h2>
${version.description ? html`<p>${version.description}</p>` : ''}
<p class="meta">Schema <code>${version.schemaFile}</code> · <code>${version.schemaId}</code></p>
${version.changelog ? renderChangelog(version) : ''}
<h3>Payload fields</h3>
${version.fields.length === 0 ? html`<p>No fields.</p>` : renderFields(version.fields)}
<h3>Examples</h3>
${version.examples.length === 0 ? html`<p>None in the schema.</p>` : version.examples.map((example) => html`<pre class="example">${prettyJson(example)}</pre>`)}
${version.avroSchema !== undefined ? html`<details><summary>Pub/Sub Avro schema</summary><pre>${prettyJson(version.avroSchema)}</pre></details>` : ''}
</section>`;
}

function renderChangelog(version: DocsVersion): Html {
  const log = version.changelog!;
  const shape = log.changes.filter((change) => !change.metadata);
  const documentation = log.changes.filter((change) => change.metadata);
  const list = (changes: readonly DocsChange[]): Html =>
    html`<ul>${changes.map(
      (change) => html`<li class="${change.compatible ? 'compatible' : 'breaking'}"><code>${change.rule}</code> at <code>${change.pointer || '/'}</code>: ${change.message}</li>`,
    )}</ul>`;
  return html`<div class="changelog"><h3>Changes from v${log.from} to v${log.to}</h3>
<p class="${log.compatible ? 'compatible' : 'breaking'}">${log.compatible ? 'Compatible' : 'Breaking'} under this event's compatibility mode.</p>
${shape.length === 0 ? html`<p>No change to the payload's shape.</p>` : list(shape)}
${documentation.length > 0 ? html`<details><summary>Documentation-only changes (${documentation.length})</summary>${list(documentation)}</details>` : ''}
</div>`;
}

function renderFields(fields: readonly DocsField[]): Html {
  return html`<table class="fields"><thead><tr><th>Field</th><th>Type</th><th>Required</th><th>Nullable</th><th>Description</th></tr></thead><tbody>
${fields.map(
  (field) => html`<tr data-field="${field.path}"><td><code>${field.path}</code>${field.deprecated ? html` <span class="badge">deprecated</span>` : ''}</td><td>${field.type}${field.format ? html` <span class="format">(${field.format})</span>` : ''}</td><td>${field.required ? 'required' : 'optional'}</td><td>${field.nullable ? 'nullable' : ''}</td><td>${field.description ?? ''}${details(field)}</td></tr>
`,
)}
</tbody></table>`;
}

function details(field: DocsField): Html | string {
  const parts: string[] = [];
  if (field.enum) parts.push(`one of ${field.enum.map((value) => JSON.stringify(value)).join(', ')}`);
  for (const [name, value] of field.constraints) parts.push(`${name}: ${JSON.stringify(value)}`);
  return parts.length > 0 ? html`<div class="constraints">${parts.join(' · ')}</div>` : '';
}

interface SearchEntry {
  eventType: string;
  slug: string;
  text: string;
  fields: string[];
}

function searchIndex(site: DocsSiteModel): SearchEntry[] {
  return site.events.map((event) => ({
    eventType: event.eventType,
    slug: event.slug,
    text: [event.eventType, event.title, event.description, event.aggregateType].filter(Boolean).join(' '),
    fields: [...new Set(event.versions.flatMap((version) => version.fields.map((field) => field.path)))].sort(),
  }));
}

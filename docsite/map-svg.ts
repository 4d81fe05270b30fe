/**
 * The index page's map: producing services on the left, event types in the middle, consuming
 * services on the right, a line for each send and receive. Plain SVG, laid out deterministically,
 * so it needs no script and no network.
 */
import { Html, html } from './html.js';
import type { DocsSiteModel } from './model.js';

const ROW = 30;
const BOX_HEIGHT = 22;
const COLUMN_WIDTH = 230;
const GAP = 120;
const PADDING = 10;

export function renderMap(site: DocsSiteModel): Html {
  const producers = [...new Set(site.events.flatMap((event) => event.producers.flatMap((op) => op.services)))].sort();
  const consumers = [...new Set(site.events.flatMap((event) => event.consumers.flatMap((op) => op.services)))].sort();
  const rows = Math.max(producers.length, consumers.length, site.events.length, 1);
  const height = rows * ROW + 2 * PADDING;
  const width = 3 * COLUMN_WIDTH + 2 * GAP + 2 * PADDING;
  const x = [PADDING, PADDING + COLUMN_WIDTH + GAP, PADDING + 2 * (COLUMN_WIDTH + GAP)];
  const offset = (count: number): number => PADDING + ((rows - count) * ROW) / 2;
  const y = (index: number, count: number): number => offset(count) + index * ROW;
  const lines: Html[] = [];
  site.events.forEach((event, eventIndex) => {
    const eventY = y(eventIndex, site.events.length) + BOX_HEIGHT / 2;
    for (const service of new Set(event.producers.flatMap((op) => op.services))) {
      const fromY = y(producers.indexOf(service), producers.length) + BOX_HEIGHT / 2;
      lines.push(link(x[0]! + COLUMN_WIDTH, fromY, x[1]!, eventY, 'send'));
    }
    for (const service of new Set(event.consumers.flatMap((op) => op.services))) {
      const toY = y(consumers.indexOf(service), consumers.length) + BOX_HEIGHT / 2;
      lines.push(link(x[1]! + COLUMN_WIDTH, eventY, x[2]!, toY, 'receive'));
    }
  });
  const box = (label: string, left: number, top: number, kind: string, href?: string): Html => {
    const shape = html`<rect class="map-${kind}" x="${left}" y="${top}" width="${COLUMN_WIDTH}" height="${BOX_HEIGHT}" rx="4"/><text x="${left + 8}" y="${top + 15}">${label}</text>`;
    return href ? html`<a href="${href}">${shape}</a>` : shape;
  };
  return html`<svg class="map" role="img" aria-label="Services and the events they send and receive" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">
<g class="links">${lines}</g>
${producers.map((service, index) => box(service, x[0]!, y(index, producers.length), 'service'))}
${site.events.map((event, index) => box(event.eventType, x[1]!, y(index, site.events.length), 'event', `events/${event.slug}.html`))}
${consumers.map((service, index) => box(service, x[2]!, y(index, consumers.length), 'service'))}
</svg>`;
}

function link(x1: number, y1: number, x2: number, y2: number, kind: string): Html {
  const middle = (x1 + x2) / 2;
  return html`<path class="map-${kind}" d="M${x1},${y1} C${middle},${y1} ${middle},${y2} ${x2},${y2}"/>`;
}

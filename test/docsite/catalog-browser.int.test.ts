/**
 * The event catalog in a real browser: `event-bus docs` builds the site, a local HTTP server
 * serves it on 127.0.0.1, and headless Chromium (Debian's package, driven by playwright-core)
 * reads it as a person would. A screenshot of the index and of one event page is written to
 * test/.artifacts/ for the reader of the note.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDocsSite, loadDocsModel, type DocsSiteModel } from '../../docsite/index.js';
import { REPO_ROOT } from '../generator/support.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(REPO_ROOT, 'test', '.artifacts');
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  // CI installs Debian's chromium (.ci/run); elsewhere the suite says why it does not run.
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium package`);
  console.warn(`catalog-browser: skipped, ${CHROMIUM} is not installed (apt-get install -y chromium)`);
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

describe.skipIf(!haveChromium)('the event catalog in Chromium', () => {
  let out: string;
  let server: Server;
  let base: string;
  let browser: Browser;
  let site: DocsSiteModel;

  beforeAll(async () => {
    out = mkdtempSync(path.join(tmpdir(), 'event-catalog-'));
    await buildDocsSite({ input: path.join(REPO_ROOT, 'asyncapi.yaml'), out });
    site = await loadDocsModel(path.join(REPO_ROOT, 'asyncapi.yaml'));
    server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const file = path.join(out, decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname));
      if (!file.startsWith(out) || !existsSync(file)) {
        response.writeHead(404).end('not found');
        return;
      }
      response.writeHead(200, { 'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream' });
      response.end(readFileSync(file));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('the index lists every event type of the registry, each linking to its page', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/index.html`);
    const listed = await page.$$eval('table.events tbody tr', (rows) => rows.map((row) => row.getAttribute('data-event-type')));
    expect(listed).toEqual(site.events.map((event) => event.eventType));
    expect(listed).toHaveLength(10);
    // The map shows every event type too.
    const mapLabels = await page.$$eval('svg.map rect.map-event + text', (texts) => texts.map((text) => text.textContent));
    expect(mapLabels).toEqual(listed);
    await page.screenshot({ path: path.join(ARTIFACTS, 'catalog-index.png'), fullPage: true });
    await page.click('a[href="events/user.created.html"]');
    await page.waitForURL(/user\.created\.html$/);
    expect(await page.textContent('h1')).toBe('user.created');
    await page.close();
  });

  it('an event page shows every payload field of every version and the v1 → v2 changelog', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/events/user.created.html`);
    const userCreated = site.events.find((event) => event.eventType === 'user.created')!;
    for (const version of userCreated.versions) {
      const fields = await page.$$eval(`#v${version.version} table.fields tbody tr`, (rows) =>
        rows.map((row) => row.getAttribute('data-field')),
      );
      expect(fields).toEqual(version.fields.map((field) => field.path));
    }
    // v2 adds two optional fields, which the schema files say and the page must show.
    const v2Fields = await page.$$eval('#v2 table.fields tbody tr', (rows) => rows.map((row) => row.getAttribute('data-field')));
    expect(v2Fields).toEqual(expect.arrayContaining(['locale', 'referralCode', 'email', 'userId']));
    const changelog = await page.textContent('#v2 .changelog');
    expect(changelog).toContain('Changes from v1 to v2');
    expect(changelog).toContain('Compatible');
    expect(changelog).toMatch(/OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL at \/properties\/locale/);
    expect(await page.$('#v1 .changelog')).toBeNull();
    const facts = await page.textContent('dl.facts');
    expect(facts).toContain('BACKWARD_TRANSITIVE');
    expect(facts).toContain('clone-sub.onboarding-mailer.user.created');
    await page.screenshot({ path: path.join(ARTIFACTS, 'catalog-user-created.png'), fullPage: true });
    await page.close();
  });

  it('search finds an event by a field name, with no server-side help', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/index.html`);
    await page.fill('#search', 'citedDocument');
    const results = await page.$$eval('#search-results li a', (links) => links.map((link) => link.textContent));
    expect(results).toEqual(['conversation.turn_completed']);
    expect(await page.textContent('#search-results')).toContain('citedDocumentIds');
    await page.fill('#search', 'referralCode');
    expect(await page.$$eval('#search-results li a', (links) => links.map((link) => link.textContent))).toEqual(['user.created']);
    await page.fill('#search', 'no-such-thing-anywhere');
    expect(await page.textContent('#search-results')).toContain('No event or field matches.');
    await page.close();
  });
});

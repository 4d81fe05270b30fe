/**
 * `event-bus docs` without a browser: the model it shows, determinism, and escaping of hostile
 * registry text in both formats. Each registry is read once (the AsyncAPI parser is the cost).
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDocsModel, renderDocsSite, type DocsSiteModel } from '../../docsite/index.js';
import { renderHtmlSite } from '../../docsite/render-html.js';
import { renderMarkdownSite } from '../../docsite/render-markdown.js';
import { escapeHtml } from '../../docsite/html.js';
import { escapeMarkdown } from '../../docsite/render-markdown.js';
import { FIXTURES, REPO_ROOT } from '../generator/support.js';

const REGISTRY = path.join(REPO_ROOT, 'asyncapi.yaml');
const HOSTILE = path.join(FIXTURES, 'hostile', 'asyncapi.yaml');

let site: DocsSiteModel;
let hostile: DocsSiteModel;
beforeAll(async () => {
  [site, hostile] = await Promise.all([loadDocsModel(REGISTRY), loadDocsModel(HOSTILE)]);
}, 60_000);

describe('the catalog model of this registry', () => {
  it('has every event type with its versions, operations, compatibility and a changelog per later version', async () => {
    const site = await loadDocsModel(REGISTRY);
    expect(site.events.map((event) => event.eventType)).toEqual([
      'conversation.ended',
      'conversation.started',
      'conversation.turn_completed',
      'document.processed',
      'document.processing_failed',
      'face_model.created',
      'face_model.creation_failed',
      'user.created',
      'voice_model.trained',
      'voice_model.training_failed',
    ]);
    const userCreated = site.events.find((event) => event.eventType === 'user.created')!;
    expect(userCreated.versions.map((version) => version.version)).toEqual([1, 2]);
    expect(userCreated.producers.map((operation) => operation.services)).toEqual([['account-service']]);
    expect(userCreated.consumers.flatMap((operation) => operation.services)).toEqual(['analytics', 'billing', 'onboarding-mailer']);
    expect(userCreated.compatibility).toMatchObject({ mode: 'BACKWARD_TRANSITIVE', policy: 'STRICT' });
    expect(userCreated.versions[0]!.changelog).toBeUndefined();
    const changelog = userCreated.versions[1]!.changelog!;
    expect(changelog).toMatchObject({ from: 1, to: 2, compatible: true });
    expect(changelog.changes.filter((change) => !change.metadata).map((change) => [change.rule, change.pointer])).toEqual([
      ['OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL', '/properties/locale'],
      ['OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL', '/properties/referralCode'],
    ]);
    const referral = userCreated.versions[1]!.fields.find((field) => field.path === 'referralCode')!;
    expect(referral).toMatchObject({ type: 'string', required: false, nullable: true });
    expect(userCreated.versions[1]!.avroSchema).toMatchObject({ type: 'record' });
  });

  it('follows $refs into shared definitions and nested objects and arrays', async () => {
    const turn = site.events.find((event) => event.eventType === 'conversation.turn_completed')!;
    const paths = turn.versions[0]!.fields.map((field) => field.path);
    expect(paths).toEqual(expect.arrayContaining(['tokenUsage', 'tokenUsage.totalTokens', 'citedDocumentIds']));
    const conversationId = turn.versions[0]!.fields.find((field) => field.path === 'conversationId')!;
    expect(conversationId).toMatchObject({ type: 'string', format: 'uuid', required: true });
  });
});

describe('event-bus docs output', () => {
  it('is the same bytes on every run, in both formats', async () => {
    const again = await renderDocsSite({ input: REGISTRY, format: 'html' });
    expect([...again]).toEqual([...renderHtmlSite(site)]);
    expect([...renderMarkdownSite(site)]).toEqual([...renderMarkdownSite(structuredClone(site))]);
  }, 30_000);

  it('escapes hostile registry text: no markup, script or table break comes from a schema', () => {
    const pages = renderHtmlSite(hostile);
    for (const [file, text] of pages) {
      if (!file.endsWith('.html')) continue;
      // The only scripts are the catalog's own two.
      expect(text.match(/<script\b[^>]*>/g) ?? []).toEqual(file === 'index.html' ? ['<script src="assets/search-index.js">', '<script src="assets/search.js">'] : []);
      expect(text).not.toContain('alert(1)</script>');
      expect(text).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    }
    const index = pages.get('assets/search-index.js')!;
    expect(index).not.toMatch(/<\/script/i);
    const markdown = renderMarkdownSite(hostile);
    for (const [, text] of markdown) expect(text).not.toContain('<script>');
  });

  it('escaping helpers keep any text inert', () => {
    expect(escapeHtml(`<img src=x onerror="a('b')">&`)).toBe('&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;');
    expect(escapeHtml('nul\u0000bell\u0007')).toBe('nul\\u0000bell\\u0007');
    expect(escapeMarkdown('a | b\n<b>[x](javascript:y)</b>')).toBe('a \\| b &lt;b&gt;\\[x\\]\\(javascript:y\\)&lt;/b&gt;');
  });
});

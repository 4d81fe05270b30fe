/** The catalog's two static assets: a stylesheet and the search script (no framework, no network). */

export const STYLESHEET = `:root { font-family: system-ui, sans-serif; color: #1d2330; background: #fff; }
body { margin: 0 auto; max-width: 1100px; padding: 1rem 1.5rem 3rem; line-height: 1.45; }
h1 { margin-bottom: .2rem; }
.meta { color: #5b6475; font-size: .9rem; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .88rem; }
pre { background: #f4f6fa; padding: .75rem; overflow-x: auto; border-radius: 4px; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border-bottom: 1px solid #e3e7ee; padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: #f4f6fa; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
dl.facts ul { margin: 0; padding-left: 1.1rem; }
.constraints, .format { color: #5b6475; font-size: .85rem; }
.badge { background: #fde8c8; border-radius: 3px; padding: 0 .3rem; font-size: .8rem; }
.changelog { border-left: 3px solid #8aa4d6; padding-left: .8rem; margin: .5rem 0 1rem; }
.compatible { color: #1f6b3a; }
.breaking { color: #a12020; }
.search input { width: 100%; max-width: 28rem; padding: .4rem .5rem; font-size: 1rem; }
.search label { display: block; font-weight: 600; margin-bottom: .3rem; }
#search-results:empty { display: none; }
svg.map { max-width: 100%; height: auto; }
svg.map text { font-size: 12px; fill: #1d2330; }
svg.map rect.map-service { fill: #eef2fa; stroke: #8aa4d6; }
svg.map rect.map-event { fill: #fff7e6; stroke: #d6a84a; }
svg.map path { fill: none; stroke: #9aa3b5; stroke-width: 1; }
`;

/** Filters the index on event type, summary and field names; reads window.EVENT_CATALOG_INDEX. */
export const SEARCH_SCRIPT = `(function () {
  'use strict';
  var index = window.EVENT_CATALOG_INDEX || [];
  var input = document.getElementById('search');
  var results = document.getElementById('search-results');
  if (!input || !results) return;
  function item(entry, matched) {
    var li = document.createElement('li');
    var a = document.createElement('a');
    a.href = 'events/' + entry.slug + '.html';
    a.textContent = entry.eventType;
    li.appendChild(a);
    if (matched.length > 0) {
      var note = document.createElement('span');
      note.className = 'meta';
      note.textContent = ' — field' + (matched.length > 1 ? 's ' : ' ') + matched.slice(0, 5).join(', ');
      li.appendChild(note);
    }
    return li;
  }
  function search() {
    var query = input.value.trim().toLowerCase();
    results.textContent = '';
    if (query === '') return;
    var found = 0;
    index.forEach(function (entry) {
      var matched = entry.fields.filter(function (field) { return field.toLowerCase().indexOf(query) !== -1; });
      if (entry.text.toLowerCase().indexOf(query) !== -1 || matched.length > 0) {
        results.appendChild(item(entry, matched));
        found += 1;
      }
    });
    if (found === 0) {
      var none = document.createElement('li');
      none.textContent = 'No event or field matches.';
      results.appendChild(none);
    }
  }
  input.addEventListener('input', search);
  search();
})();
`;

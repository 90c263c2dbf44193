/**
 * The runbooks' HTML copy, section by section through the cache a synth keeps in its output: the same bytes as a full
 * render, for a cold cache and for a vend (one account more, nearly every section from the cache); the cache file
 * round-trips and anything else reads as empty. The runbooks of a large organization rendered on a worker thread
 * (output.ts) are the same files as on the main thread.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { validateConfig } from '../config/load';
import { resolveModel } from '../config/model';
import { largeOrgConfig } from '../examples/large-org';
import { writeOutput } from '../output';
import { HTML_CACHE_FILE, HTML_FILE, renderRunbookExtras, renderRunbooks } from '../runbooks';
import { htmlSections, parseHtmlSections, renderHtml, serializeHtmlSections } from '../runbooks/html';
import { exampleModel } from './support/example';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rootlock-html-cache-'));
const htmlOf = (model: ReturnType<typeof exampleModel>, cache?: { previous: Map<string, string>; next: Map<string, string> }) =>
  renderRunbookExtras(model, renderRunbooks(model), cache).get(HTML_FILE)!;

describe('cutting the markdown into sections', () => {
  it('cuts before a heading that follows a blank line, and the sections join back to the markdown', () => {
    const md = '# Title\n\nText.\n\n## One\n\n| a |\n| --- |\n| b |\n\n### Two\n- item\n## Not after a blank line\n';
    expect(htmlSections(md)).toEqual(['# Title\n\nText.\n', '## One\n\n| a |\n| --- |\n| b |\n', '### Two\n- item\n## Not after a blank line\n']);
    expect(htmlSections(md).join('\n')).toBe(md);
  });

  it('never cuts inside fenced code, whatever it holds', () => {
    // A shorter fence line or another fence character does not close a fence (CommonMark).
    const md = '## A\n\n````bash\necho one\n\n## not a heading\n```\n~~~~\nstill code\n````\n\n## B\n\n~~~~\n\n# nor this\n~~~~\n';
    expect(htmlSections(md)).toEqual(['## A\n\n````bash\necho one\n\n## not a heading\n```\n~~~~\nstill code\n````\n', '## B\n\n~~~~\n\n# nor this\n~~~~\n']);
  });

  it('never cuts inside an HTML comment that spans lines, and does after a one-line one', () => {
    const md = '## A\n\n<!-- a note\n\n## not a heading\n-->\n\n## B\n\n<!-- one line -->\n\n## C\n';
    expect(htmlSections(md)).toEqual(['## A\n\n<!-- a note\n\n## not a heading\n-->\n', '## B\n\n<!-- one line -->\n', '## C\n']);
  });

  it('a hash without a space is no heading, so no cut', () => {
    expect(htmlSections('text\n\n#hashtag\n')).toEqual(['text\n\n#hashtag\n']);
  });
});

describe('rendering through the cache', () => {
  const model = exampleModel();

  it('a cold cache renders the same bytes as no cache, and fills it with every section', () => {
    const cache = { previous: new Map<string, string>(), next: new Map<string, string>() };
    expect(htmlOf(model, cache)).toBe(htmlOf(model));
    expect(cache.next.size).toBeGreaterThan(50);
  });

  it('a vend (one account more) renders the same bytes as no cache, taking nearly every section from the cache', () => {
    const before = resolveModel(validateConfig(largeOrgConfig(120, 10)));
    const afterRaw = largeOrgConfig(121, 10);
    const after = resolveModel(validateConfig(afterRaw));
    const warm = { previous: new Map<string, string>(), next: new Map<string, string>() };
    htmlOf(before, warm);
    const cache = { previous: warm.next, next: new Map<string, string>() };
    expect(htmlOf(after, cache)).toBe(htmlOf(after));
    const reused = [...cache.next.keys()].filter((k) => cache.previous.has(k)).length;
    expect(reused / cache.next.size).toBeGreaterThan(0.9);
    expect(reused).toBeLessThan(cache.next.size);
  });

  it('the same section in two runbooks renders each with its own links: the part is part of the key', () => {
    const markdown = '# Same\n\nSee [below](#later).\n\n## Later\n\nText.\n';
    const parts = [
      { file: 'one.md', title: 'One', markdown },
      { file: 'two.md', title: 'Two', markdown },
    ];
    const cache = { previous: new Map<string, string>(), next: new Map<string, string>() };
    const html = renderHtml('t', parts, cache);
    expect(html).toBe(renderHtml('t', parts));
    expect(html).toContain('<a href="#one--later">below</a>');
    expect(html).toContain('<a href="#two--later">below</a>');
    expect(cache.next.size).toBe(4);
  });
});

describe('the cache file', () => {
  it('round-trips any HTML, newlines and non-ASCII included', () => {
    const sections = new Map([
      ['k1', '<p>a\nb</p>\n'],
      ['k2', ''],
      ['k3', '<pre><code>é ✓ 𝄞\n\n</code></pre>\n'],
    ]);
    expect(parseHtmlSections(serializeHtmlSections(sections))).toEqual(sections);
  });

  it.each([
    ['an empty file', ''],
    ['another format', '{"sections":{}}'],
    ['a truncated file', serializeHtmlSections(new Map([['k', '<p>long enough</p>']])).slice(0, -5)],
  ])('reads %s as an empty cache', (_, text) => {
    expect(parseHtmlSections(text)).toEqual(new Map());
  });
});

describe('the cache across synths, and the runbooks on a worker thread', () => {
  it('a second synth into the same output writes the same runbooks, from the cache the first left there', () => {
    const model = exampleModel();
    const outdir = path.join(tmp(), 'cdktf.out');
    writeOutput(model, { outdir });
    const first = fs.readFileSync(path.join(outdir, 'runbooks', HTML_FILE), 'utf8');
    const cache = fs.readFileSync(path.join(outdir, HTML_CACHE_FILE), 'utf8');
    expect(parseHtmlSections(cache).size).toBeGreaterThan(50);
    writeOutput(model, { outdir });
    expect(fs.readFileSync(path.join(outdir, 'runbooks', HTML_FILE), 'utf8')).toBe(first);
    expect(fs.readFileSync(path.join(outdir, HTML_CACHE_FILE), 'utf8')).toBe(cache);
  });

  it('a vend of a large organization renders its runbooks on a worker thread: the same files as on this thread', () => {
    const model = resolveModel(validateConfig(largeOrgConfig(120, 10)));
    const outdir = path.join(tmp(), 'cdktf.out');
    const written = writeOutput(model, { outdir, stacks: ['baseline-account-0007'] });
    expect(written.stacks).toEqual(['management', 'security', 'baseline-account-0007']);
    const expected = new Map([...renderRunbooks(model), ...renderRunbookExtras(model)]);
    expect(written.runbooks.map((f) => path.basename(f)).sort()).toEqual([...expected.keys()].sort());
    for (const [name, text] of expected) expect({ name, text: fs.readFileSync(path.join(outdir, 'runbooks', name), 'utf8') }).toEqual({ name, text });
  });
});

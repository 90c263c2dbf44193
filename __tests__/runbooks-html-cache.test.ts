/**
 * The runbooks' HTML copy, section by section through the cache a synth keeps in its output: the same bytes as a full
 * render, for a cold cache and for a vend (one account more, nearly every section from the cache); the cache file
 * round-trips and anything else reads as empty. The runbooks of a large organization rendered on a worker thread
 * (output.ts) are the same files as on the main thread.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { validateConfig } from '../config/load';
import { resolveModel, sourceConfigOf } from '../config/model';
import { largeOrgConfig } from '../examples/large-org';
import { HTML_CACHE_FILE, writeOutput } from '../output';
import { HTML_FILE, renderRunbookExtras, renderRunbooks, writeRunbooksOf } from '../runbooks';
import MarkdownIt from 'markdown-it';
import { blocksToHtml, htmlSections, joinTableChunks, parseHtmlSections, renderHtml, serializeHtmlSections, splitLongTables, TableChunks } from '../runbooks/html';
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

describe('cutting long tables into chunks', () => {
  const rows = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `| \`account-${String(from + i).padStart(4, '0')}\` | ${200000000000 + from + i} | [playbook](#alarm-${from + i}) |`);
  const section = (body: string[]) => ['## Accounts', '', 'Every account:', '', '| Account | Id | Playbook |', '| --- | ---: | --- |', ...body, '', 'After the table.', ''].join('\n');
  const tableOf = (pieces: ReturnType<typeof splitLongTables>) => pieces.find((p): p is TableChunks => typeof p !== 'string')!;
  // markdown-it as the cache path calls it (blocksToHtml trims the end of the whole).
  const render = (md: string) => new MarkdownIt().render(md);

  it('cuts a long table after a blank line into chunks of whole rows; the pieces join back to the section', () => {
    const md = section(rows(0, 900));
    const pieces = splitLongTables(md);
    expect(pieces).toHaveLength(3);
    const table = tableOf(pieces);
    expect(table.chunks.length).toBeGreaterThan(10);
    for (const chunk of table.chunks) expect(chunk.split('\n').slice(0, 2)).toEqual(['| Account | Id | Playbook |', '| --- | ---: | --- |']);
    expect(table.chunks.flatMap((c) => c.split('\n').slice(2))).toEqual(rows(0, 900));
    expect([pieces[0], table.whole, pieces[2]].join('\n')).toBe(md);
  });

  it('the chunks, rendered alone and joined, are the HTML of the whole table (alignment and links included)', () => {
    const md = section(rows(0, 900));
    const table = tableOf(splitLongTables(md));
    const joined = joinTableChunks(table.chunks.map(render));
    expect(joined).toBe(render(table.whole));
    expect(blocksToHtml(md, (href) => href, (h) => h)).toContain(joined!.trimEnd());
    expect(joined).toContain('<td style="text-align:right">200000000899</td>');
  });

  it('a row added changes one or two chunks, wherever it lands: chunks end where the rows say, not at a count', () => {
    const before = new Set(tableOf(splitLongTables(section(rows(0, 900)))).chunks);
    const inserted = [...rows(0, 450), '| `web-prod` | 200000000500 | [playbook](#alarm-web) |', ...rows(450, 900)];
    const after = tableOf(splitLongTables(section(inserted))).chunks;
    expect(after.filter((c) => !before.has(c)).length).toBeLessThanOrEqual(2);
  });

  it.each([
    ['a short section', section(rows(0, 20))],
    ['a table inside fenced code', ['## Code', '', '```text', '', '| a | b |', '| --- | --- |', ...rows(0, 900), '```', ''].join('\n')],
    ['a table that does not end at a blank line', ['## T', '', '| Account | Id | Playbook |', '| --- | --- | --- |', ...rows(0, 900), 'a lazy line', ''].join('\n')],
    ['a table right after text (no blank line)', ['## T', 'text', '| Account | Id | Playbook |', '| --- | --- | --- |', ...rows(0, 900), ''].join('\n')],
  ])('leaves %s whole', (_, md) => {
    expect(splitLongTables(md)).toEqual([md]);
  });

  it('joins only chunks that are each one table (anything else is rendered whole by the caller)', () => {
    expect(joinTableChunks([render('| a |\n| --- |\n| 1 |'), render('text')])).toBeUndefined();
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
    // Long tables (every account's alarms, queues, roles) are rendered only in the chunk the new account lands in: a
    // third of the HTML was rendered again before tables were chunked.
    const rendered = [...cache.next].filter(([k]) => !cache.previous.has(k)).reduce((n, [, html]) => n + html.length, 0);
    expect(rendered / htmlOf(after).length).toBeLessThan(0.2);
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

  it('a model changed after it was resolved has its runbooks rendered on this thread, over what the worker wrote', () => {
    const model = resolveModel(validateConfig(largeOrgConfig(120, 10)));
    model.allAccounts[5].name = 'changed-after-resolving';
    const outdir = path.join(tmp(), 'cdktf.out');
    writeOutput(model, { outdir, stacks: ['baseline-account-0007'] });
    const expected = new Map([...renderRunbooks(model), ...renderRunbookExtras(model)]);
    for (const [name, text] of expected) expect({ name, text: fs.readFileSync(path.join(outdir, 'runbooks', name), 'utf8') }).toEqual({ name, text });
    expect(fs.readFileSync(path.join(outdir, 'runbooks', 'inventory.md'), 'utf8')).toContain('changed-after-resolving');
  });

  it("the entry point's modules load no cdktf and no renderer: a vend's runbooks worker starts before the synth loads them", () => {
    const probe = [
      "require('./scripts/swc-register.js');",
      "for (const m of ['./config/load', './config/model', './output', './config/cross-checks', './config/errors', './stacks/selection']) require(m);",
      "const loaded = Object.keys(require.cache).filter((f) => /node_modules[\\/](cdktf|@cdktf|markdown-it)[\\/]/.test(f));",
      "require('./stacks/app');",
      "const later = Object.keys(require.cache).some((f) => /node_modules[\\/]cdktf[\\/]/.test(f));",
      'process.stdout.write(JSON.stringify({ loaded, later }));',
    ].join('\n');
    const out = execFileSync(process.execPath, ['-e', probe], { cwd: path.join(__dirname, '..'), encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ loaded: [], later: true });
    const imported = [...fs.readFileSync(path.join(__dirname, '..', 'main.ts'), 'utf8').matchAll(/^import .* from '(\.[^']+)';$/gm)].map((m) => m[1]);
    expect(imported.sort()).toEqual(['./config/cross-checks', './config/errors', './config/load', './config/model', './output', './stacks/selection']);
  });

  it("a runbooks worker's task reports progress before each file, and stops writing where progress throws (stop())", () => {
    const model = exampleModel();
    const task = (dir: string) => ({ dir: path.join(dir, 'runbooks'), htmlCacheFrom: path.join(dir, 'none'), htmlCacheTo: path.join(dir, HTML_CACHE_FILE), config: sourceConfigOf(model)!, modelJson: JSON.stringify(model) });
    let ticks = 0;
    const written = writeRunbooksOf(task(tmp()), () => ticks++)!;
    expect(ticks).toBe(written.length + 1);
    const stopped = tmp();
    let left = 3;
    expect(() =>
      writeRunbooksOf(task(stopped), () => {
        if (left-- === 0) throw new Error('stopped');
      }),
    ).toThrow('stopped');
    expect(fs.readdirSync(path.join(stopped, 'runbooks'))).toHaveLength(3);
    expect(fs.existsSync(path.join(stopped, HTML_CACHE_FILE))).toBe(false);
  });
});

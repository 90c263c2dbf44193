/**
 * One self-contained HTML file of every runbook, for the offline copy kept outside AWS: the markdown rendered by
 * markdown-it (CommonMark plus GFM tables), heading anchors from runbooks/markdown.ts's `slug` (github-slugger: GitHub's
 * own algorithm, so they are the anchors the markdown links to on GitHub), links rewritten to stay inside the file, print CSS. Raw HTML in the
 * markdown is escaped, except the explicit `<a id="...">` anchors the runbooks write; HTML comments are dropped.
 * Deterministic.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import MarkdownIt from 'markdown-it';
import { slug } from '../render/markdown';

const esc = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Where a link goes inside the single file: each runbook is a section whose id is its file name without `.md`. */
export type LinkTarget = (href: string) => string;

/** `<a id="x"></a>` as one block, or as its two inline halves inside a paragraph. */
const ANCHOR = /^<a id="([^"]+)">(<\/a>)?$/;
const ANCHOR_CLOSE = /^<\/a>$/;
const COMMENT = /^<!--[\s\S]*?-->\s*$/;

/** A markdown-it renderer with the runbooks' rules: `headingId` names each heading's anchor, `target` rewrites every link. */
function renderer(target: LinkTarget, headingId: (text: string) => string): MarkdownIt {
  const md = new MarkdownIt({ html: true, linkify: false, typographer: false });
  const rules = md.renderer.rules;
  rules.heading_open = (tokens, i, options, _env, self) => {
    tokens[i].attrSet('id', headingId(tokens[i + 1].content));
    return self.renderToken(tokens, i, options);
  };
  rules.link_open = (tokens, i, options, _env, self) => {
    tokens[i].attrSet('href', target(tokens[i].attrGet('href') ?? ''));
    return self.renderToken(tokens, i, options);
  };
  const rawHtml = (content: string): string => {
    const anchor = ANCHOR.exec(content.trim());
    if (anchor) return `<a id="${esc(target(`#${anchor[1]}`).slice(1))}">${anchor[2] ?? ''}`;
    if (ANCHOR_CLOSE.test(content.trim())) return '</a>';
    return COMMENT.test(content) ? '' : esc(content);
  };
  rules.html_inline = (tokens, i) => rawHtml(tokens[i].content);
  rules.html_block = (tokens, i) => {
    const html = rawHtml(tokens[i].content);
    return html ? `<p>${html.trimEnd()}</p>\n` : '';
  };
  return md;
}

/** Block-level markdown to HTML; `headingId` names each heading's anchor, `target` rewrites every link. */
export function blocksToHtml(markdown: string, target: LinkTarget, headingId: (text: string) => string): string {
  return renderer(target, headingId).render(markdown).trimEnd();
}

/**
 * For each line, whether it is outside fenced code and HTML comments (the fence and comment lines themselves are
 * inside): only there can a heading or a table start.
 */
function linesOutsideCode(lines: readonly string[]): boolean[] {
  const outside = new Array<boolean>(lines.length).fill(false);
  let fence: string | undefined;
  let comment = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (comment) comment = !line.includes('-->');
    else if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = undefined;
    } else if (marker) fence = marker;
    else if (/^ {0,3}<!--/.test(line)) comment = !line.slice(line.indexOf('<!--') + 4).includes('-->');
    else outside[i] = true;
  }
  return outside;
}

/**
 * The markdown cut before every heading that starts a line after a blank line, outside fenced code and HTML comments:
 * there every other open block has ended (a paragraph, table, list, quote or other HTML block ends at a blank line or
 * an unindented heading), the runbooks define no link references (the one document-wide state in CommonMark) and
 * heading anchors are stateless (`slug`), so each section renders alone to exactly the HTML it renders to within the
 * whole. Joined, the sections are the markdown.
 */
export function htmlSections(markdown: string): string[] {
  const lines = markdown.split('\n');
  const outside = linesOutsideCode(lines);
  const sections: string[] = [];
  let start = 0;
  for (let i = 1; i < lines.length; i++) {
    if (outside[i] && i > start && lines[i - 1] === '' && /^#{1,6}( |$)/.test(lines[i])) {
      sections.push(lines.slice(start, i).join('\n'));
      start = i;
    }
  }
  sections.push(lines.slice(start).join('\n'));
  return sections;
}

/** A long table of a section, as tables of a few rows each (`chunks`: the header and delimiter rows, then some rows). */
export interface TableChunks {
  readonly chunks: readonly string[];
  /** The table as it is in the markdown. */
  readonly whole: string;
}

/** Rows per chunk on average: a chunk ends after a row whose hash is 0 modulo this (content-defined, see below). */
const TABLE_CHUNK_ROWS = 32;
/** ... and after this many rows in any case. */
const TABLE_CHUNK_MAX_ROWS = 4 * TABLE_CHUNK_ROWS;
/** markdown-it ends a table early after this many cells filled in for short rows (table.mjs MAX_AUTOCOMPLETED_CELLS). */
const MAX_AUTOCOMPLETED_CELLS = 0x10000;
const DELIMITER_ROW = /^\|(?: *:?-+:? *\|)+ *$/;

/** A section shorter than this renders in well under a millisecond: not worth looking for long tables in. */
const SHORT_SECTION = 16 * 1024;

/** FNV-1a of a row, its bits mixed (FNV's low bits depend only on the characters' low bits): the same in every synth. */
function rowHash(row: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < row.length; i++) h = Math.imul(h ^ row.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 0;
}

/**
 * A section with its long tables (top-level, after a blank line, ended by a blank line or the section's end) cut into
 * chunks, so that one account more in a 4,000-row table renders one chunk, not the table. Chunks end after rows chosen
 * by their content, not their position: a row added or removed changes only the chunk it lands in. Markdown pieces
 * and tables alternate; joined with newlines they are the section. A table renders row by row (each row's cells
 * alone, their number set by the delimiter row), so its chunks' rows, joined under the first chunk's head, are its HTML
 * (`joinTableChunks`); the one table-wide count, cells filled in for short rows, cannot reach markdown-it's limit
 * within a table of at most that many cells.
 */
export function splitLongTables(section: string): Array<string | TableChunks> {
  if (section.length < SHORT_SECTION) return [section];
  const lines = section.split('\n');
  const outside = linesOutsideCode(lines);
  const pieces: Array<string | TableChunks> = [];
  let start = 0;
  for (let i = 1; i + 1 < lines.length; i++) {
    if (!(outside[i] && lines[i - 1] === '' && lines[i].startsWith('|') && DELIMITER_ROW.test(lines[i + 1]))) continue;
    let end = i + 2;
    while (end < lines.length && lines[end].startsWith('|')) end++;
    const rows = lines.slice(i + 2, end);
    const columns = lines[i + 1].match(/-+/g)!.length;
    const long = rows.length >= 2 * TABLE_CHUNK_ROWS && rows.length * columns <= MAX_AUTOCOMPLETED_CELLS;
    if (long && (end === lines.length || lines[end] === '')) {
      const chunks: string[] = [];
      let from = 0;
      rows.forEach((row, r) => {
        if (r === rows.length - 1 || rowHash(row) % TABLE_CHUNK_ROWS === 0 || r + 1 - from >= TABLE_CHUNK_MAX_ROWS) {
          chunks.push([lines[i], lines[i + 1], ...rows.slice(from, r + 1)].join('\n'));
          from = r + 1;
        }
      });
      pieces.push(lines.slice(start, i).join('\n'), { chunks, whole: lines.slice(i, end).join('\n') });
      start = end;
    }
    i = end;
  }
  pieces.push(lines.slice(start).join('\n'));
  return pieces;
}

/** The HTML of a table from the HTML of its chunks: the first one's head, every chunk's body rows; undefined if any chunk is not one table. */
export function joinTableChunks(chunks: readonly string[]): string | undefined {
  const OPEN = '<tbody>\n';
  const CLOSE = '</tbody>\n</table>\n';
  const bodies: string[] = [];
  for (const html of chunks) {
    const open = html.indexOf(OPEN);
    if (!html.startsWith('<table>\n') || open < 0 || !html.endsWith(CLOSE) || html.indexOf('<table>', 1) >= 0) return undefined;
    bodies.push(html.slice(open + OPEN.length, html.length - CLOSE.length));
  }
  return `${chunks[0].slice(0, chunks[0].indexOf(OPEN) + OPEN.length)}${bodies.join('')}${CLOSE}`;
}

/**
 * Sections rendered by an earlier synth, by key, and the ones this render used (to keep for the next). A vend adds one
 * account to a thousand: nearly every section is unchanged and comes from here instead of markdown-it.
 */
export interface HtmlSectionCache {
  readonly previous: ReadonlyMap<string, string>;
  readonly next: Map<string, string>;
}

const CACHE_HEADER = 'rootlock runbook HTML sections 1\n';

/**
 * The sections of a cache as text to keep: a header line, then per section a line `<key> <length>` and the HTML
 * itself. No escaping (JSON's quoting of 14 MiB of HTML cost more than rendering it saved).
 */
export function serializeHtmlSections(sections: ReadonlyMap<string, string>): string {
  const out = [CACHE_HEADER];
  for (const [key, html] of sections) out.push(`${key} ${html.length}\n`, html, '\n');
  return out.join('');
}

/** The sections `serializeHtmlSections` wrote; an empty map for anything else (it is only a cache). */
export function parseHtmlSections(text: string): Map<string, string> {
  const sections = new Map<string, string>();
  if (!text.startsWith(CACHE_HEADER)) return sections;
  let at = CACHE_HEADER.length;
  while (at < text.length) {
    const eol = text.indexOf('\n', at);
    const header = /^(\S+) (\d+)$/.exec(text.slice(at, eol));
    if (eol < 0 || !header) return new Map();
    const start = eol + 1;
    const end = start + Number(header[2]);
    if (text[end] !== '\n') return new Map();
    sections.set(header[1], text.slice(start, end));
    at = end + 1;
  }
  return sections;
}

/**
 * What a section's HTML depends on besides its text: markdown-it's version and this renderer's own source (a change to
 * either renders everything again), the part it belongs to and the files its links may point into.
 */
const RENDERER_KEY = createHash('sha256')
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  .update(JSON.stringify(require('markdown-it/package.json').version))
  .update(fs.readFileSync(__filename))
  .digest('hex');

/**
 * One part's markdown to HTML, section by section (long tables chunk by chunk) through `cache` when given: the same
 * HTML as `blocksToHtml`.
 */
function partToHtml(markdown: string, target: LinkTarget, headingId: (text: string) => string, scope: string, cache?: HtmlSectionCache): string {
  if (!cache) return blocksToHtml(markdown, target, headingId);
  let md: MarkdownIt | undefined;
  const render = (text: string): string => {
    const key = createHash('sha256').update(RENDERER_KEY).update('\0').update(scope).update('\0').update(text).digest('base64');
    let out = cache.previous.get(key) ?? cache.next.get(key);
    if (out === undefined) out = (md ??= renderer(target, headingId)).render(text);
    cache.next.set(key, out);
    return out;
  };
  const html = htmlSections(markdown).map((section) =>
    splitLongTables(section)
      .map((piece) => (typeof piece === 'string' ? render(piece) : (joinTableChunks(piece.chunks.map(render)) ?? render(piece.whole))))
      .join(''),
  );
  return html.join('').trimEnd();
}

const CSS = `body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;line-height:1.45;color:#111}
pre{background:#f4f4f4;border:1px solid #ccc;padding:.5rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
code{font-family:Menlo,Consolas,monospace;font-size:.9em}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #999;padding:.2rem .4rem;vertical-align:top;text-align:left}
nav ol{columns:2}section{border-top:2px solid #333;margin-top:2rem}
@media print{body{max-width:none;margin:0;font-size:10pt}nav{display:none}section{page-break-before:always;border:0;margin:0}
pre,table,tr{page-break-inside:avoid}h1,h2,h3{page-break-after:avoid}a{color:#000;text-decoration:none}pre{background:none}}`;

export interface HtmlPart {
  /** File name the runbooks link to (`break-glass.md`), or any name for an extra part. */
  file: string;
  title: string;
  markdown: string;
}

const base = (file: string) => file.replace(/\.[a-z]+$/, '').replace(/[^A-Za-z0-9-]/g, '-');

/**
 * The single offline HTML file: a table of contents, then each part as a section; links stay inside the file. With a
 * `cache`, unchanged sections of the markdown are taken from an earlier render (`HtmlSectionCache`).
 */
export function renderHtml(title: string, parts: HtmlPart[], cache?: HtmlSectionCache): string {
  const files = new Set(parts.map((p) => p.file));
  const sections = parts.map((p) => {
    const own = base(p.file);
    const target: LinkTarget = (href) => {
      if (/^[a-z]+:/.test(href)) return href;
      const [file, anchor] = href.split('#');
      const f = file ? (files.has(file) ? base(file) : undefined) : own;
      if (f === undefined) return href;
      return anchor ? `#${f}--${anchor}` : `#${f}`;
    };
    const scope = `${own}\0${[...files].join('\0')}`;
    return `<section id="${own}">\n${partToHtml(p.markdown, target, (h) => `${own}--${slug(h)}`, scope, cache)}\n</section>`;
  });
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${esc(title)}</title>`,
    `<style>\n${CSS}\n</style>`,
    '</head>',
    '<body>',
    `<nav><h1>${esc(title)}</h1>\n<ol>\n${parts.map((p) => `<li><a href="#${base(p.file)}">${esc(p.title)}</a></li>`).join('\n')}\n</ol></nav>`,
    ...sections,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

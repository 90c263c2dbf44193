/**
 * One self-contained HTML file of every runbook, for the offline copy kept outside AWS: a small renderer for exactly
 * the markdown subset the runbooks use (headings, paragraphs, nested lists, fenced code, tables, inline code, links,
 * autolinks, bold, backslash escapes, HTML comments and explicit `<a id>` anchors), with print CSS. Deterministic.
 */
import { slug } from './markdown';

const esc = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Where a link goes inside the single file: each runbook is a section whose id is its file name without `.md`. */
export type LinkTarget = (href: string) => string;

function inline(text: string, target: LinkTarget): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '`') {
      const run = /^`+/.exec(text.slice(i))![0];
      const close = text.indexOf(run, i + run.length);
      if (close > 0) {
        let body = text.slice(i + run.length, close);
        if (body.startsWith(' ') && body.endsWith(' ') && body.trim()) body = body.slice(1, -1);
        out += `<code>${esc(body)}</code>`;
        i = close + run.length;
        continue;
      }
    }
    if (c === '\\' && i + 1 < text.length && /[\\`*_<>|[\]()#!-]/.test(text[i + 1])) {
      out += esc(text[i + 1]);
      i += 2;
      continue;
    }
    if (c === '<') {
      const auto = /^<((?:https?:\/\/|mailto:)[^\s<>]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)>/.exec(text.slice(i));
      if (auto) {
        const href = auto[1].includes('@') && !auto[1].includes('://') ? `mailto:${auto[1]}` : auto[1];
        out += `<a href="${esc(href)}">${esc(auto[1])}</a>`;
        i += auto[0].length;
        continue;
      }
      const anchor = /^<a id="([^"]+)"><\/a>/.exec(text.slice(i));
      if (anchor) {
        out += `<a id="${esc(target(`#${anchor[1]}`).slice(1))}"></a>`;
        i += anchor[0].length;
        continue;
      }
    }
    if (c === '[') {
      const m = /^\[((?:`[^`]*`|[^\]])+)\]\(([^)\s]+)\)/.exec(text.slice(i));
      if (m) {
        out += `<a href="${esc(target(m[2]))}">${inline(m[1], target)}</a>`;
        i += m[0].length;
        continue;
      }
    }
    if (c === '*' && text.startsWith('**', i)) {
      const close = text.indexOf('**', i + 2);
      if (close > 0) {
        out += `<strong>${inline(text.slice(i + 2, close), target)}</strong>`;
        i = close + 2;
        continue;
      }
    }
    out += esc(c);
    i++;
  }
  return out;
}

const LIST_ITEM = /^(\d+\. |- )/;
const FENCE_OPEN = /^(`{3,})(\S*)\s*$/;

function tableHtml(rows: string[], target: LinkTarget): string {
  const cells = (line: string) => {
    const parts: string[] = [];
    let cur = '';
    const body = line.trim().replace(/^\|/, '').replace(/\|$/, '');
    for (let i = 0; i < body.length; i++) {
      if (body[i] === '\\' && body[i + 1] === '|') {
        cur += '\\|';
        i++;
      } else if (body[i] === '|') {
        parts.push(cur.trim());
        cur = '';
      } else cur += body[i];
    }
    parts.push(cur.trim());
    return parts;
  };
  const [head, , ...rest] = rows;
  return [
    '<table>',
    `<thead><tr>${cells(head)
      .map((c) => `<th>${inline(c, target)}</th>`)
      .join('')}</tr></thead>`,
    '<tbody>',
    ...rest.map((r) => `<tr>${cells(r)
      .map((c) => `<td>${inline(c, target)}</td>`)
      .join('')}</tr>`),
    '</tbody>',
    '</table>',
  ].join('\n');
}

/** Block-level markdown to HTML; `headingId` names each heading's anchor. */
export function blocksToHtml(markdown: string, target: LinkTarget, headingId: (text: string) => string): string {
  const lines = markdown.split('\n');
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === '') {
      i++;
      continue;
    }
    const fence = FENCE_OPEN.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && lines[i].trim() !== fence[1]) body.push(lines[i++]);
      i++;
      out.push(`<pre><code${fence[2] ? ` class="language-${esc(fence[2])}"` : ''}>${esc(body.join('\n'))}</code></pre>`);
      continue;
    }
    if (line.startsWith('<!--')) {
      while (i < lines.length && !lines[i].includes('-->')) i++;
      i++;
      continue;
    }
    const h = /^(#{1,6}) (.+)$/.exec(line);
    if (h) {
      out.push(`<h${h[1].length} id="${esc(headingId(h[2]))}">${inline(h[2], target)}</h${h[1].length}>`);
      i++;
      continue;
    }
    if (line.startsWith('|')) {
      const rows: string[] = [];
      while (i < lines.length && lines[i].startsWith('|')) rows.push(lines[i++]);
      out.push(tableHtml(rows, target));
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      const ordered = item[1] !== '- ';
      const items: string[] = [];
      while (i < lines.length && LIST_ITEM.exec(lines[i]) && (LIST_ITEM.exec(lines[i])![1] !== '- ') === ordered) {
        const width = LIST_ITEM.exec(lines[i])![1].length;
        const body = [lines[i].slice(width)];
        i++;
        while (i < lines.length && (lines[i].trim() === '' || lines[i].startsWith(' '.repeat(width)))) {
          if (lines[i].trim() === '' && i + 1 < lines.length && !lines[i + 1].startsWith(' '.repeat(width))) break;
          body.push(lines[i].slice(Math.min(width, lines[i].length)));
          i++;
        }
        while (i < lines.length && lines[i].trim() === '' && i + 1 < lines.length && LIST_ITEM.exec(lines[i + 1])) i++;
        const inner = blocksToHtml(body.join('\n'), target, headingId);
        items.push(`<li>${inner.replace(/^<p>([\s\S]*?)<\/p>(?=\n|$)/, '$1')}</li>`);
      }
      out.push(`<${ordered ? 'ol' : 'ul'}>\n${items.join('\n')}\n</${ordered ? 'ol' : 'ul'}>`);
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && lines[i].trim() !== '' && !FENCE_OPEN.test(lines[i]) && !/^#{1,6} /.test(lines[i]) && !LIST_ITEM.test(lines[i]) && !lines[i].startsWith('|')) {
      para.push(lines[i++]);
    }
    out.push(`<p>${inline(para.join(' '), target)}</p>`);
  }
  return out.join('\n');
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

/** The single offline HTML file: a table of contents, then each part as a section; links stay inside the file. */
export function renderHtml(title: string, parts: HtmlPart[]): string {
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
    return `<section id="${own}">\n${blocksToHtml(p.markdown, target, (h) => `${own}--${slug(h)}`)}\n</section>`;
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

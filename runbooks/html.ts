/**
 * One self-contained HTML file of every runbook, for the offline copy kept outside AWS: the markdown rendered by
 * markdown-it (CommonMark plus GFM tables), heading anchors from runbooks/markdown.ts's `slug` (github-slugger: GitHub's
 * own algorithm, so they are the anchors the markdown links to on GitHub), links rewritten to stay inside the file, print CSS. Raw HTML in the
 * markdown is escaped, except the explicit `<a id="...">` anchors the runbooks write; HTML comments are dropped.
 * Deterministic.
 */
import MarkdownIt from 'markdown-it';
import { slug } from '../render/markdown';

const esc = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Where a link goes inside the single file: each runbook is a section whose id is its file name without `.md`. */
export type LinkTarget = (href: string) => string;

/** `<a id="x"></a>` as one block, or as its two inline halves inside a paragraph. */
const ANCHOR = /^<a id="([^"]+)">(<\/a>)?$/;
const ANCHOR_CLOSE = /^<\/a>$/;
const COMMENT = /^<!--[\s\S]*?-->\s*$/;

/** Block-level markdown to HTML; `headingId` names each heading's anchor, `target` rewrites every link. */
export function blocksToHtml(markdown: string, target: LinkTarget, headingId: (text: string) => string): string {
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
  return md.render(markdown).trimEnd();
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

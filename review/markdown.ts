/** The PR comment: counts per stack, then security-relevant changes first, each with its diff. */
import { Change, JSON_ATTRIBUTES, POLICY_ATTRIBUTES, Severity } from './change';
import { Review, StackSummary } from './analyze';
import { jsonDiff, parsePolicy, policyDiff } from './policy';
import { Finding } from './rules';

const BADGE: Record<Severity, string> = { high: '🔴 HIGH', medium: '🟠 MEDIUM', low: '⚪ low' };
const KIND: Record<string, string> = { create: 'create', update: 'update in place', replace: 'replace', delete: 'destroy', forget: 'forget (left running)' };

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function short(v: unknown, max = 100): string {
  const s = v === undefined ? '(known after apply)' : v === null || v === '' ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function fence(lines: string[], lang = 'diff'): string[] {
  // A policy can hold backticks: the fence is one longer than the longest run of them, so the block always closes.
  const longest = Math.max(2, ...lines.flatMap((l) => (l.match(/`+/g) ?? []).map((run) => run.length)));
  const tick = '`'.repeat(longest + 1);
  return [`${tick}${lang}`, ...lines, tick];
}

/** Diffs and attribute changes of one change, for the reviewer to read below the finding. */
export function changeDetails(c: Change): string[] {
  if (c.kind !== 'update' && c.kind !== 'replace') return [];
  const out: string[] = [];
  const policyAttrs = POLICY_ATTRIBUTES[c.type] ?? [];
  const jsonAttrs = JSON_ATTRIBUTES[c.type] ?? [];
  const plain: string[] = [];
  for (const k of c.changed) {
    if (k === 'tags_all') continue;
    if (policyAttrs.includes(k)) {
      if (c.unknown.has(k)) {
        plain.push(`- \`${k}\`: known only after apply`);
        continue;
      }
      const b = parsePolicy(c.before[k]);
      const a = parsePolicy(c.after[k]);
      if (b || a) {
        out.push(`\`${k}\` (normalized, by statement):`, '', ...fence(policyDiff(b, a)), '');
        continue;
      }
    }
    if (jsonAttrs.includes(k) && !c.unknown.has(k)) {
      out.push(`\`${k}\`:`, '', ...fence(jsonDiff(c.before[k], c.after[k])), '');
      continue;
    }
    const b = c.before[k];
    const a = c.unknown.has(k) ? undefined : c.after[k];
    if (Array.isArray(b) || Array.isArray(a)) {
      const bs = (Array.isArray(b) ? b : []).map((x) => short(x));
      const as = (Array.isArray(a) ? a : []).map((x) => short(x));
      const removed = bs.filter((x) => !as.includes(x));
      const added = as.filter((x) => !bs.includes(x));
      if (removed.length || added.length) {
        plain.push(`- \`${k}\`: ${[...removed.map((x) => `− \`${x}\``), ...added.map((x) => `+ \`${x}\``)].join(', ')}`);
        continue;
      }
    }
    if ((typeof b === 'string' && b.length > 80) || (typeof a === 'string' && a.length > 80)) {
      // Long strings (metric filter patterns, ARNs) in full: a reviewer must see exactly what matches now.
      out.push(`\`${k}\`:`, '', ...fence([`- ${short(b, 4000)}`, `+ ${short(a, 4000)}`]), '');
      continue;
    }
    plain.push(`- \`${k}\`: \`${short(b)}\` → \`${short(a)}\``);
  }
  return [...plain, ...(plain.length ? [''] : []), ...out];
}

function groupByChange(findings: Finding[]): Array<{ change: Change; findings: Finding[] }> {
  const groups = new Map<Change, Finding[]>();
  for (const f of findings) groups.set(f.change, [...(groups.get(f.change) ?? []), f]);
  return [...groups.entries()].map(([change, fs]) => ({ change, findings: fs }));
}

function countsRow(s: StackSummary): string {
  if (s.noChanges) return `| \`${s.stack}\` | – | – | – | – | no changes |`;
  const c = s.counts;
  return `| \`${s.stack}\` | ${c.add} | ${c.change} | ${c.replace} | ${c.destroy}${c.forget ? ` (+${c.forget} forget)` : ''} |`;
}

export function renderMarkdown(r: Review): string {
  if (r.noChanges) {
    const names = r.stacks.map((s) => s.stack).join(', ');
    const warn = r.stacks.flatMap((s) => s.warnings.map((w) => `${s.stack}: ${w}`));
    return `**Rootlock plan review:** no changes — ${plural(r.stacks.length, 'stack')} (${names}) ${r.stacks.length === 1 ? 'matches' : 'match'} the deployed infrastructure.${warn.length ? ` ⚠️ ${warn.join('; ')}` : ''}\n`;
  }
  const lines: string[] = [];
  const { high, medium, low } = r.bySeverity;
  lines.push('## Rootlock plan review', '');
  const verdict =
    high > 0
      ? `🔴 **${plural(high, 'high-severity change')}** ${high === 1 ? 'weakens' : 'weaken'} root-user protection: approve only with a reason for each.`
      : medium > 0
        ? `🟠 **${plural(medium, 'medium-severity change')}** to read; nothing high-severity.`
        : '✅ Nothing security-relevant: only low-severity changes.';
  lines.push(`${verdict} (${high} high · ${medium} medium · ${low} low, across ${plural(r.stacks.length, 'stack')})`, '');

  lines.push('| Stack | Add | Change | Replace | Destroy | Security |', '|---|--:|--:|--:|--:|---|');
  for (const s of r.stacks) {
    const mine = r.findings.filter((f) => f.change.stack === s.stack);
    const h = mine.filter((f) => f.severity === 'high').length;
    const m = mine.filter((f) => f.severity === 'medium').length;
    const sec = s.noChanges ? '' : [h ? `🔴 ${h} high` : '', m ? `🟠 ${m} medium` : ''].filter(Boolean).join(', ') || '—';
    lines.push(s.noChanges ? countsRow(s) : `${countsRow(s)} ${sec} |`);
  }
  lines.push('');
  for (const s of r.stacks) {
    for (const w of s.warnings) lines.push(`> ⚠️ \`${s.stack}\`: ${w}.`, '');
    if (s.drift.length) lines.push(`> ℹ️ \`${s.stack}\`: ${plural(s.drift.length, 'resource')} changed outside Terraform since the last apply (${s.drift.map((d) => `\`${d}\``).join(', ')}): ask who changed them, and check the plan restores them.`, '');
  }

  const serious = r.findings.filter((f) => f.severity !== 'low');
  if (serious.length) {
    lines.push('### Security-relevant changes', '');
    for (const g of groupByChange(serious)) {
      const c = g.change;
      lines.push(`#### ${BADGE[g.findings[0].severity]} · \`${c.stack}\` · \`${c.address}\` — ${KIND[c.kind] ?? c.kind}`, '');
      for (const f of g.findings) lines.push(`- **${f.severity.toUpperCase()}** \`${f.rule.id}\` — ${f.message}`);
      lines.push('');
      const details = changeDetails(c);
      if (details.length) lines.push(...details);
    }
  }

  const lows = r.findings.filter((f) => f.severity === 'low');
  if (lows.length) {
    lines.push(
      `<details><summary>${plural(lows.length, 'low-severity change')} (tags, descriptions, new resources, resources no rule watches)</summary>`,
      '',
    );
    for (const f of lows) lines.push(`- \`${f.change.stack}\` · \`${f.change.address}\` — ${KIND[f.change.kind] ?? f.change.kind}: ${f.message}`);
    lines.push('', '</details>', '');
  }
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

/** Machine-readable form (`--json`). */
export function renderJson(r: Review): string {
  return `${JSON.stringify(
    {
      noChanges: r.noChanges,
      bySeverity: r.bySeverity,
      stacks: r.stacks.map((s) => ({ stack: s.stack, file: s.file, counts: s.counts, noChanges: s.noChanges, warnings: s.warnings, drift: s.drift })),
      findings: r.findings.map((f) => ({ rule: f.rule.id, severity: f.severity, stack: f.change.stack, address: f.change.address, type: f.change.type, action: f.change.kind, message: f.message })),
    },
    null,
    2,
  )}\n`;
}

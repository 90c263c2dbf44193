/**
 * The break-glass runbooks, generated from the same model as the stacks. Pure: the same model gives the same bytes.
 * Every name and ARN comes from the model or the detections catalog; nothing here writes one of its own.
 */
import { humanizeCreatedAccountRefs } from '../config/model-created';
import * as fs from 'fs';
import * as path from 'path';
import { resolveModel, type Model } from '../config/model';
import type { RootlockConfig } from '../config/schema';
import { renderAfterUse } from './after-use';
import { renderAlarmPlaybooks } from './alarms';
import { renderBreakGlass } from './break-glass';
import { renderDrill } from './drill';
import { generatedNote, PLACEHOLDERS, playbookLink } from './common';
import { code, document, fence, GENERATED_MARKER, heading, link, table } from '../render/markdown';
import { renderInventory } from './inventory';
import { renderRootTasks } from './root-tasks';
import { renderProtection } from './protection';
import { renderAuditRunbook } from './audit';
import { renderWatchPlaybooks } from './watch-playbooks';
import { renderComplianceMap } from './compliance';
import { renderQuickCard } from './quick-cards';
import { renderPreflight } from './preflight';
import { renderBadCases } from './bad-cases';
import { HtmlSectionCache, parseHtmlSections, renderHtml, serializeHtmlSections } from './html';

export type { HtmlSectionCache } from './html';
import { PREFLIGHT_FILE } from './common';
import { blockManifest, BLOCKS_FILE } from './common-runs-as';

export { BLOCKS_FILE, type BlockEntry, type RunsAs } from './common-runs-as';

/** The offline copy of every runbook and the preflight script, in one printable file. */
export const HTML_FILE = 'runbooks.html';

export { GENERATED_MARKER } from '../render/markdown';
export { PLACEHOLDERS, PLACEHOLDER_PATTERN } from './common';

function renderIndex(model: Model): string {
  const f = model.runbooks;
  const critical = model.detections.filter((d) => d.severity === 'critical');
  return document([
    heading(1, 'Root user runbooks'),
    generatedNote(model),
    heading(2, 'What do I need now?'),
    table(
      ['Situation', 'Runbook'],
      [
        ['A root or break-glass alarm paged me', link('Alarm playbooks', f.alarms)],
        ['Normal access is down and I need administrator access in an account', link('Break glass', f.breakGlass)],
        ['A member account needs a root-only task (root credentials, locked bucket or queue policy)', link('Root-only tasks', f.rootTasks)],
        ['Only the management account root user can do it', link('Root-only tasks: management account root sign-in', f.rootTasks)],
        ['Break-glass or root use is over', link('After use', f.afterUse)],
        ['Which accounts, roles, policies and alarms exist', link('Inventory', f.inventory)],
        ['Who can change the alarm pipeline, and what nobody else can', link('Monitoring protection', f.protection)],
        ['Does the live organization still match the configuration (after a deploy, weekly, before an audit)', link('Auditing the live organization', f.audit)],
        ['A drill paged me, or I want to know what a drill sends', link('Drill', f.drill)],
        ['An auditor asks how CIS, Security Hub or Prowler controls are met', link('Compliance map', f.compliance)],
        ['The security account is compromised, a custodian is out of reach, a break-glass MFA device is lost, a page names an unknown account, the pipeline is silent; AWS Support, evidence, persistence', link('Bad cases', f.badCases)],
        ['One page to print for each role', `${link('responder', f.quickCardResponder)}, ${link('approver', f.quickCardApprover)}, ${link('custodian', f.quickCardCustodian)}`],
      ],
    ),
    heading(2, 'Critical alarms'),
    critical.map((d) => `- ${playbookLink(model, d)}`).join('\n'),
    heading(2, 'How to read these runbooks'),
    'Steps are numbered; run them in order. Commands are complete and need AWS CLI v2. Every block can be pasted as it is into bash or zsh (also zsh without `interactive_comments`, the macOS default): no block holds a `#` comment, the explanations are in the text around it. A block that changes anything runs as the principal and in the account its step names (a subshell inside it assumes the role it needs); `blocks.json` next to these files lists every block with that account and principal.',
    heading(2, 'Values only you have'),
    'The only values left open are the ones only you know at that moment. Each runbook lists the ones it uses at its top. Replace them including the angle brackets; keep the quotes around them.',
    table(
      ['Write', 'What it is'],
      Object.entries(PLACEHOLDERS).map(([n, what]) => [code(`<${n}>`), what]),
    ),
  ]);
}

/** File name -> markdown, in table-of-contents order. */
export function renderRunbooks(model: Model): Map<string, string> {
  const f = model.runbooks;
  const files = new Map<string, string>([
    [f.index, renderIndex(model)],
    [f.breakGlass, renderBreakGlass(model)],
    [f.rootTasks, renderRootTasks(model)],
    [f.alarms, renderAlarmPlaybooks(model, [renderWatchPlaybooks(model)])],
    [f.afterUse, renderAfterUse(model)],
    [f.inventory, renderInventory(model)],
    [f.protection, renderProtection(model)],
    [f.audit, renderAuditRunbook(model)],
    [f.drill, renderDrill(model)],
    [f.compliance, renderComplianceMap(model)],
    [f.quickCardResponder, renderQuickCard(model, 'responder')],
    [f.quickCardApprover, renderQuickCard(model, 'approver')],
    [f.quickCardCustodian, renderQuickCard(model, 'custodian')],
    [f.badCases, renderBadCases(model)],
  ]);
  // Accounts the management stack creates have no id yet: ACCOUNT-ID-OF-<name> and a note (config/model-created.ts).
  for (const [name, text] of files) files.set(name, humanizeCreatedAccountRefs(`${GENERATED_MARKER}\n\n${text}`, model.createdAccounts));
  return files;
}

/**
 * Everything the runbooks directory holds besides the markdown: the preflight script and the offline HTML copy.
 * `files` is the markdown already rendered from the same model (at 1,000 accounts, rendering it again costs a third
 * of a second).
 */
export function renderRunbookExtras(model: Model, files: Map<string, string> = renderRunbooks(model), htmlCache?: HtmlSectionCache): Map<string, string> {
  const preflight = humanizeCreatedAccountRefs(renderPreflight(model), model.createdAccounts, { note: false });
  const parts = [...files].map(([file, md]) => ({ file, title: /^# (.+)$/m.exec(md)?.[1] ?? file, markdown: md }));
  parts.push({ file: PREFLIGHT_FILE, title: PREFLIGHT_FILE, markdown: `# ${PREFLIGHT_FILE}\n\n${fence(preflight.trimEnd())}\n` });
  return new Map([
    [PREFLIGHT_FILE, preflight],
    [BLOCKS_FILE, `${JSON.stringify(blockManifest(files), null, 2)}\n`],
    [HTML_FILE, renderHtml(`Root user runbooks: management account ${model.management.id}`, parts, htmlCache)],
  ]);
}

export interface WriteRunbooksOptions {
  /** HTML of the markdown sections an earlier synth rendered (output.ts keeps it beside the output). @default none */
  readonly htmlCache?: HtmlSectionCache;
  /**
   * Called before each file is written: a worker's `progress` (worker-thread.ts), which shows the worker alive and
   * throws there once the thread that started it has failed, so nothing lands after that thread cleans up. @default none
   */
  readonly progress?: () => void;
}

/** The runbooks of one synth: where they go, and where the HTML section cache is read from and written to. */
export interface RunbooksTask {
  dir: string;
  htmlCacheFrom: string;
  htmlCacheTo: string;
}

/**
 * `writeRunbooks` with the cache files of `task`: the sections the last synth rendered are read (none if the file is
 * missing or not a cache), and the ones this synth used are written (only those: the cache never outgrows the runbooks).
 */
export function writeRunbookTask(model: Model, task: RunbooksTask, progress?: () => void): string[] {
  const previous = fs.existsSync(task.htmlCacheFrom) ? parseHtmlSections(fs.readFileSync(task.htmlCacheFrom, 'utf8')) : new Map<string, string>();
  const htmlCache = { previous, next: new Map<string, string>() };
  const written = writeRunbooks(model, task.dir, { htmlCache, progress });
  progress?.();
  fs.mkdirSync(path.dirname(task.htmlCacheTo), { recursive: true });
  fs.writeFileSync(task.htmlCacheTo, serializeHtmlSections(htmlCache.next));
  return written;
}

/**
 * `writeRunbookTask` on a worker thread (worker-thread.ts): the model resolved again from its configuration (a model
 * holds functions, so it cannot be posted). Undefined, with nothing written, if that is not the model the caller holds
 * (`modelJson`, its JSON): a model changed after it was resolved is rendered by the caller instead.
 */
export function writeRunbooksOf(task: RunbooksTask & { config: RootlockConfig; modelJson: string }, progress?: () => void): string[] | undefined {
  const model = resolveModel(task.config);
  return JSON.stringify(model) === task.modelJson ? writeRunbookTask(model, task, progress) : undefined;
}

/**
 * Writes the runbooks into `dir` (created if missing) and removes .md files there that rootlock generated earlier
 * but no longer produces. Files without the generated marker are never touched. Returns the paths written.
 */
export function writeRunbooks(model: Model, dir: string, opts: WriteRunbooksOptions = {}): string[] {
  const files = renderRunbooks(model);
  fs.mkdirSync(dir, { recursive: true });
  for (const entry of fs.readdirSync(dir)) {
    if (!entry.endsWith('.md') || files.has(entry)) continue;
    const full = path.join(dir, entry);
    if (!fs.statSync(full).isFile()) continue;
    const head = fs.readFileSync(full, 'utf8').slice(0, GENERATED_MARKER.length);
    if (head === GENERATED_MARKER) fs.unlinkSync(full);
  }
  const written: string[] = [];
  for (const [name, text] of [...files, ...renderRunbookExtras(model, files, opts.htmlCache)]) {
    opts.progress?.();
    const full = path.join(dir, name);
    fs.writeFileSync(full, text, 'utf8');
    written.push(full);
  }
  return written;
}

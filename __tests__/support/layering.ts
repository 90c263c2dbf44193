/**
 * The layering of the project as data, checked on every import (TypeScript's own import scanner, no new dependency).
 * Each rule names the files it governs, the imports they may not make, and why: the design in one table.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

export interface LayerRule {
  /** Files the rule governs: path prefixes relative to the repository root (`runbooks/`, `main.ts`). */
  files: string[];
  /** Files exempt from the rule, relative to the root. */
  except?: string[];
  /** Forbidden imports: a package name prefix (`cdktf`, `@cdktf/`) or a repository path prefix (`stacks/`). */
  forbid: string[];
  /** Imports still allowed although a forbidden prefix matches them. */
  allow?: string[];
  why: string;
}

const PURE = ['cdktf', '@cdktf/', 'constructs'];
const TEST_ONLY = ['@cloud-copilot/', 'fast-check', 'jest', '@jest/', '__tests__/', 'emulator/'];
const PRODUCT = ['main.ts', 'output.ts', 'config/', 'detections/', 'policies/', 'modules/', 'stacks/', 'runbooks/', 'review/', 'scripts/', 'audit/', 'drill/', 'init/'];

export const LAYERS: LayerRule[] = [
  { files: ['config/'], forbid: ['stacks/', 'modules/', 'runbooks/', 'review/', ...PURE], why: 'the configuration resolves the model; everything else reads it, never the other way round' },
  { files: ['policies/', 'detections/', 'runbooks/', 'review/', 'audit/', 'drill/'], forbid: [...PURE, 'stacks/', 'modules/'], why: 'policies, detections, runbooks, review, audit and drill are pure functions of the model: no cdktf, no constructs' },
  { files: ['modules/'], forbid: ['stacks/'], why: 'a module is one capability; stacks compose modules, not the reverse' },
  {
    files: ['stacks/'],
    forbid: ['@cdktf/provider-aws/', 'policies/', 'detections/'],
    why: 'stacks only compose modules: a resource, a data source or a policy document built in a stack belongs in a module',
  },
  {
    files: ['runbooks/'],
    except: ['runbooks/index.ts', 'runbooks/common.ts', 'runbooks/markdown.ts'],
    forbid: ['runbooks/'],
    allow: ['runbooks/common', 'runbooks/markdown'],
    why: 'renderers share through runbooks/common.ts, runbooks/markdown.ts and the model, never through each other',
  },
  { files: ['init/'], forbid: [...PURE, 'stacks/', 'modules/'], why: 'init reads the organization and renders a configuration: no cdktf, no constructs' },
  { files: PRODUCT, forbid: TEST_ONLY, why: 'test-only code and dependencies (AGPL iam-simulate, the emulator) never ship in the product' },
];

export interface Violation {
  file: string;
  imported: string;
  why: string;
}

/** Repository-relative path of an import, or the package name for a bare specifier. */
export function resolveImport(fromFile: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  return path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), specifier));
}

const starts = (value: string, prefixes: string[]) => prefixes.some((p) => value === p || value.startsWith(p));

export function violationsOf(file: string, source: string, rules: LayerRule[] = LAYERS): Violation[] {
  const imports = ts.preProcessFile(source, true, true).importedFiles.map((i) => resolveImport(file, i.fileName));
  const out: Violation[] = [];
  for (const rule of rules) {
    if (!starts(file, rule.files) || starts(file, rule.except ?? [])) continue;
    for (const imported of imports) {
      if (starts(imported, rule.forbid) && !starts(imported, rule.allow ?? [])) out.push({ file, imported, why: rule.why });
    }
  }
  return out;
}

/** Every TypeScript file of the product (tests, fixtures and node_modules excluded). */
export function productFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!['node_modules', '__tests__', 'cdktf.out', '.git', 'plans', 'coverage'].includes(entry.name) && !entry.name.startsWith('.')) walk(rel);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(rel);
    }
  };
  walk('');
  return out.sort();
}

/**
 * The architecture as data, checked on every import of the product (TypeScript's own import scanner, no new dependency):
 * - an ALLOW-LIST of layers: each folder names the folders and packages it may import, and everything else is refused
 *   (a new folder, or a new package in a layer, fails until it is added here with its reason);
 * - TRANSITIVE bans: what a layer may never reach through any chain of imports (cdktf in the pure layers, the AWS SDK in
 *   the renderers, test code anywhere in the product);
 * - no import CYCLES between files at run time (`runtimeImportsOf`: type-only imports are erased, values are not).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/** A layer: a folder (`runbooks/`) or a root file (`main.ts`). */
export interface Layer {
  /** Other layers this one may import (its own files are always allowed). */
  imports: string[];
  /** Packages it may import: a name (`yaml`), a scope prefix (`@aws-sdk/`) or a Node built-in (`fs`). */
  packages: string[];
  why: string;
}

const NODE = ['fs', 'path', 'os', 'child_process', 'net', 'crypto', 'util', 'stream', 'node:'];
const CDKTF = ['cdktf', '@cdktf/', 'constructs'];
const AWS_SDK = ['@aws-sdk/', '@smithy/'];

export const LAYERS: Record<string, Layer> = {
  'config/': {
    imports: ['detections/'],
    packages: ['fs', 'path', 'yaml', 'zod'],
    why: 'the configuration is validated and resolved once into the model; the model holds the resolved detections',
  },
  'detections/': {
    imports: ['config/', 'policies/'],
    packages: [],
    why: 'detections are data built from resolved names (the tamper rules from the same IAM catalogue classification as the protection SCPs): pure, no I/O',
  },
  'policies/': { imports: ['config/', 'detections/'], packages: [], why: 'policy documents are pure functions of the model' },
  'modules/': {
    imports: ['config/', 'detections/', 'policies/'],
    packages: [...CDKTF],
    why: 'a module is one capability: it turns resolved names and pure policies into resources',
  },
  'stacks/': {
    imports: ['config/', 'modules/', 'worker-thread.ts'],
    packages: [...CDKTF, 'fs', 'path', 'os'],
    why: 'stacks only compose modules; the synth engine beside them (fast-synth, parallel-synth) writes them, on worker threads for a large organization',
  },
  'runbooks/': {
    imports: ['config/', 'detections/', 'policies/', 'audit/', 'drill/', 'render/'],
    packages: ['fs', 'path', 'crypto', 'markdown-it'],
    why: 'renderers read the model (and the audit checks and drill paths they document); they never call AWS',
  },
  'review/': { imports: ['config/', 'detections/', 'policies/', 'cli/'], packages: ['fs', 'path'], why: 'the plan review is a pure reading of Terraform plans' },
  'audit/': {
    imports: ['config/', 'detections/', 'policies/', 'cli/', 'render/'],
    packages: [...AWS_SDK, 'fs', 'path', 'os', 'child_process', 'node:', 'zod'],
    why: 'the audit reads the live organization and holds it against the model (synthesized in a child process); it shares no code with the renderers',
  },
  'drill/': {
    imports: ['config/', 'detections/', 'policies/', 'cli/'],
    packages: [...AWS_SDK, 'fs', 'path', 'node:'],
    why: 'the drill drives the live pipeline from the model',
  },
  'render/': {
    imports: [],
    packages: ['github-slugger'],
    why: 'the markdown and shell text builders every report shares (runbooks, audit, root-credentials): pure strings',
  },
  'cli/': { imports: [], packages: ['node:util'], why: 'the one command-line convention every rootlock CLI follows (parseArgs, --help, exit codes)' },
  'credentials/': {
    imports: ['config/', 'audit/', 'policies/', 'cli/', 'render/'],
    packages: [...AWS_SDK, 'fs', 'path', 'node:', 'zod'],
    why: 'npm run root-credentials: reads (through the audit\'s reader) and deletes member root credentials in task sessions',
  },
  'init/': {
    imports: ['config/', 'cli/'],
    packages: [...AWS_SDK, 'fs', 'path', 'node:', 'yaml'],
    why: 'npm run init -- --from-organization: reads the live organization and renders a configuration for it',
  },
  'examples/': { imports: ['config/'], packages: [], why: 'examples are configurations (and generators of them)' },
  'output.ts': {
    imports: ['config/', 'stacks/', 'runbooks/', 'worker-thread.ts'],
    packages: ['fs', 'path', 'os'],
    why: 'writes the synthesized stacks and runbooks (the runbooks of a large organization on a worker thread)',
  },
  'worker-thread.ts': { imports: [], packages: ['path', 'worker_threads'], why: 'the one way work runs on another thread and is waited for synchronously' },
  'main.ts': { imports: ['config/', 'stacks/', 'output.ts'], packages: [], why: 'the entry point: load, compose, write' },
  'scripts/': {
    imports: ['config/', 'detections/', 'policies/', 'stacks/', 'runbooks/', 'review/', 'audit/', 'drill/', 'credentials/', 'init/', 'examples/', 'cli/', 'render/', '__tests__/'],
    packages: [...NODE, ...AWS_SDK, 'typescript', 'zod', 'yaml'],
    why: 'developer tooling (docs, schema, bench, plan fan-out): the bench drives the emulator from the test support',
  },
};

/** What a layer may never reach, however many imports away. */
export interface TransitiveBan {
  layers: string[];
  never: string[];
  why: string;
}

const PURE_LAYERS = ['config/', 'detections/', 'policies/', 'runbooks/', 'review/', 'audit/', 'drill/', 'cli/', 'credentials/', 'init/', 'render/'];
export const TRANSITIVE_BANS: TransitiveBan[] = [
  { layers: PURE_LAYERS, never: CDKTF, why: 'pure layers never load cdktf or constructs, even through a helper: they run without synthesizing' },
  { layers: ['config/', 'detections/', 'policies/', 'runbooks/', 'review/', 'render/'], never: AWS_SDK, why: 'validation, policies and rendering never call AWS' },
  {
    layers: Object.keys(LAYERS).filter((l) => l !== 'scripts/'),
    never: ['__tests__/', 'emulator/', '@cloud-copilot/', 'fast-check', 'jest', '@jest/'],
    why: 'test-only code and dependencies (AGPL iam-simulate, the emulator) never ship in the product',
  },
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

const starts = (value: string, prefixes: string[]) => prefixes.some((p) => value === p || value.startsWith(p) || (p.endsWith('/') && value === p.slice(0, -1)));
const isRelative = (specifier: string) => specifier.startsWith('.');

/** The layer a repository file belongs to, or undefined for a file outside every layer. */
export function layerOf(file: string): string | undefined {
  return Object.keys(LAYERS).find((l) => (l.endsWith('/') ? file.startsWith(l) : file === l));
}

/** Every import of a source file: [specifier as written, resolved repository path or package name]. */
export function importsOf(file: string, source: string): Array<{ specifier: string; resolved: string }> {
  return ts.preProcessFile(source, true, true).importedFiles.map((i) => ({ specifier: i.fileName, resolved: resolveImport(file, i.fileName) }));
}

/**
 * The modules a file needs at run time: every import and re-export but the type-only ones (`import type`, or an import
 * whose every name is `type`), which TypeScript erases. Cycles are judged on these: a model type that holds detections
 * and detections that read model types are one design; a module that needs another module's values while that one
 * needs its own, to load, is a cycle.
 */
export function runtimeImportsOf(file: string, source: string): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const out: string[] = [];
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      const clause = st.importClause;
      const typeOnly =
        !!clause &&
        (clause.isTypeOnly ||
          (!clause.name && !!clause.namedBindings && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) out.push(resolveImport(file, st.moduleSpecifier.text));
    } else if (ts.isExportDeclaration(st) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier) && !st.isTypeOnly) {
      out.push(resolveImport(file, st.moduleSpecifier.text));
    }
  }
  return out;
}

/** Direct imports the allow-list refuses. */
export function violationsOf(file: string, source: string, layers: Record<string, Layer> = LAYERS): Violation[] {
  const layer = layerOf(file);
  if (!layer) return [{ file, imported: '(its folder)', why: 'a product file outside every layer: add its folder to LAYERS with what it may import and why' }];
  const rule = layers[layer];
  const out: Violation[] = [];
  for (const { specifier, resolved } of importsOf(file, source)) {
    if (isRelative(specifier)) {
      const target = layerOf(resolved) ?? layerOf(`${resolved}.ts`) ?? resolved.split('/')[0] + '/';
      if (target === layer || rule.imports.includes(target) || starts(resolved, rule.imports)) continue;
      out.push({ file, imported: resolved, why: `${layer} may import only ${rule.imports.join(', ') || 'itself'}: ${rule.why}` });
    } else if (!starts(specifier, rule.packages)) {
      out.push({ file, imported: specifier, why: `${layer} may use only the packages ${rule.packages.join(', ') || '(none)'}: ${rule.why}` });
    }
  }
  return out;
}

/**
 * The import graph of the product: file -> repository files it imports (with `.ts` resolved) and packages. `runtime`:
 * only the imports needed at run time (for cycles); otherwise every import, types included (for transitive bans).
 */
export function importGraph(root: string, files: string[], opts: { runtime?: boolean } = {}): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const source = fs.readFileSync(path.join(root, file), 'utf8');
    const resolved = opts.runtime ? runtimeImportsOf(file, source) : importsOf(file, source).map((i) => (isRelative(i.specifier) ? i.resolved : i.specifier));
    const edges = resolved.map((r) => {
      for (const candidate of [r, `${r}.ts`, `${r}/index.ts`]) if (known.has(candidate)) return candidate;
      return r;
    });
    graph.set(file, [...new Set(edges)]);
  }
  return graph;
}

/** Cycles among files (Tarjan's strongly connected components of more than one file, or a file importing itself). */
export function cyclesOf(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    indices.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!indices.has(v)) visit(v);
  return out;
}

/** Transitive-ban violations: for each file of a banned layer, the first chain that reaches a banned target. */
export function transitiveViolations(graph: Map<string, string[]>, bans: TransitiveBan[] = TRANSITIVE_BANS): Violation[] {
  const out: Violation[] = [];
  for (const ban of bans) {
    for (const file of [...graph.keys()].sort()) {
      if (!starts(file, ban.layers)) continue;
      const seen = new Set<string>([file]);
      const queue: Array<{ node: string; chain: string[] }> = [{ node: file, chain: [file] }];
      let found: string[] | undefined;
      while (queue.length && !found) {
        const { node, chain } = queue.shift()!;
        for (const next of graph.get(node) ?? []) {
          if (starts(next, ban.never)) {
            found = [...chain, next];
            break;
          }
          if (graph.has(next) && !seen.has(next)) {
            seen.add(next);
            queue.push({ node: next, chain: [...chain, next] });
          }
        }
      }
      if (found) out.push({ file, imported: found.join(' -> '), why: ban.why });
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
        if (!['node_modules', '__tests__', 'cdktf.out', '.git', 'plans', 'coverage', 'reports'].includes(entry.name) && !entry.name.startsWith('.')) walk(rel);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(rel);
    }
  };
  walk('');
  return out.sort();
}

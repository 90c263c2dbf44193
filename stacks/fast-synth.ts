/**
 * Synth shortcuts for cdktf 0.21 (frozen), each skipping work whose result rootlock never uses. Together they cut the
 * synth of a 1,000-account organization several times over; the synth test proves the output is byte-identical to
 * stock cdktf's (`delete stack.prepareStack; delete stack.toTerraform` restores stock behaviour per stack).
 */
import { App, TerraformElement, TerraformOutput, TerraformStack } from 'cdktf';
import { resolve } from 'cdktf/lib/_tokens';
import { deepMerge } from 'cdktf/lib/util';
import { containsMapToken, containsNumberListTokenElement, containsStringListTokenElement } from 'cdktf/lib/tokens/private/encoding';
import { ValidateBinaryVersion } from 'cdktf/lib/validations/validate-binary-version';
import type { IConstruct } from 'constructs';

/**
 * The cdktf release whose private methods (prepareStack, toTerraform, rawOverrides, cdktfVersion, lib/_tokens) these
 * shortcuts were written against and proven byte-identical on (the synth test). cdktf is archived (2025-12-10), so a
 * different version means a move (the cdktn fork, or an upgrade): re-read each patched method in that version, re-run
 * the synth test, then widen this.
 */
export const PATCHED_CDKTF = /^0\.21\.\d+$/;

/** Refuses to patch any cdktf other than the one above: a silent mismatch would synthesize subtly wrong Terraform. */
export function assertPatchedCdktf(installed: string = cdktfVersion()): void {
  if (!PATCHED_CDKTF.test(installed)) {
    throw new Error(
      `stacks/fast-synth.ts patches private methods of cdktf 0.21.x, but cdktf ${installed} is installed: check each patched method against that version's source, run the synth test, then update PATCHED_CDKTF`,
    );
  }
}

function cdktfVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('cdktf/package.json') as { version: string }).version;
}

/**
 * cdktf captures a complete stack trace (Error.stackTraceLimit raised to the maximum) for every token and every
 * complex attribute a provider class creates: under ts-node the deepest stacks, and most of the synth time of a large
 * organization. Nothing reads them (stackTraces: false), so while synthesizing, Error.stackTraceLimit is an accessor:
 * V8 captures frames only when it is a data property holding a number, so no frames are walked or formatted, and
 * cdktf's attempt to raise it is ignored. Restored afterwards. Errors thrown meanwhile keep their messages.
 */
export function withoutStackTraces<T>(fn: () => T): T {
  const limit = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit');
  const prepare = Error.prepareStackTrace;
  // cdktf's own capture (every token's creationStack) then returns what it returns for an empty stack, without the work.
  const traces = stackTraceModule();
  const capture = traces.captureStackTrace;
  Object.defineProperty(Error, 'stackTraceLimit', { configurable: true, enumerable: limit?.enumerable ?? true, get: () => 0, set: () => undefined });
  Error.prepareStackTrace = () => '';
  traces.captureStackTrace = () => [];
  try {
    return fn();
  } finally {
    if (limit) Object.defineProperty(Error, 'stackTraceLimit', limit);
    else delete (Error as { stackTraceLimit?: number }).stackTraceLimit;
    Error.prepareStackTrace = prepare;
    traces.captureStackTrace = capture;
  }
}

/** cdktf 0.21's stack-trace module: its callers read `captureStackTrace` from the module object at each call. */
function stackTraceModule(): { captureStackTrace: (below?: unknown) => string[] } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('cdktf/lib/tokens/private/stack-trace');
}

/**
 * cdktf validates the Terraform version once per construct that needs a newer Terraform (every `terraform_data`
 * guard, every import block): each validation runs `terraform version` as a child process, so a 1,000-account
 * organization started a thousand processes per synth (most of its time). The answer cannot change within one synth:
 * while synthesizing, each distinct check (command, constraint, hint) runs once and its answer is reused. The check
 * itself, and its error when Terraform is too old or missing, stay cdktf's.
 */
export function withOnceVersionChecks<T>(fn: () => T): T {
  assertPatchedCdktf();
  const proto = ValidateBinaryVersion.prototype as unknown as { validate: () => string[] };
  const original = proto.validate;
  const answers = new Map<string, string[]>();
  proto.validate = function (this: { binary: string; versionCommand: string; versionConstraint: string; hint?: string }) {
    const key = JSON.stringify([this.binary, this.versionCommand, this.versionConstraint, this.hint ?? '']);
    if (!answers.has(key)) answers.set(key, original.call(this));
    return [...answers.get(key)!];
  };
  try {
    return fn();
  } finally {
    proto.validate = original;
  }
}

/**
 * Before synthesizing, cdktf resolves every element of every stack once more only to find cross-stack references
 * (which it turns into outputs and remote-state data sources). rootlock stacks never reference each other (every name
 * and ARN comes from the model; a cross-stack reference would also make a stack's output depend on which other
 * stacks are selected), so that run only finds nothing: skip it, keep the backend check.
 */
export function withoutCrossStackPreparation(stack: TerraformStack): void {
  assertPatchedCdktf();
  stack.prepareStack = () => {
    stack.ensureBackendExists();
  };
}

/** cdktf's terraformElements(): the stack's elements, not descending into nested stacks. */
function terraformElements(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) if (!TerraformStack.isStack(child)) terraformElements(child, into);
  return into;
}

/** cdktf 0.21's number-token pattern in strings (tokens/private/encoding.js NUMBER_TOKEN_REGEX), unanchored. */
const NUMBER_TOKEN_IN_STRING = /[-|\d|.\+]+(e[-|\d|.|e|E|\+]+)/;
/** Strings and the number cdktf's resolve refuses in scalar context (Token.*_MAP_TOKEN_VALUE). */
const MAP_TOKEN_STRINGS = new Set(['String Map Token Value', 'Any Map Token Value']);
const NUMBER_MAP_TOKEN_VALUE = -123456789;

/**
 * cdktf's resolve, for the plain data a resource's config mostly is: it walks every value with a fresh resolution
 * context (closures, a prefix array, an options object each), though almost every string holds no token. Here each
 * value that cannot hold a token is copied as resolve would leave it (undefined dropped from objects and arrays), and
 * every other one (a string with a token marker or a number-token pattern, a number that is not a safe integer, a map
 * token value, a list or map token, a resolvable, a non-plain object) goes to cdktf's own resolve, unchanged. Plain
 * levels carry no resolution flags in cdktf either, so each delegated value resolves exactly as it would nested.
 */
export function resolveFragment(scope: IConstruct, value: unknown): unknown {
  switch (typeof value) {
    case 'undefined':
    case 'boolean':
      return value;
    case 'string':
      return value.includes('TfToken[') || MAP_TOKEN_STRINGS.has(value) || NUMBER_TOKEN_IN_STRING.test(value) ? resolve(scope, value) : value;
    case 'number':
      return Number.isSafeInteger(value) && value !== NUMBER_MAP_TOKEN_VALUE ? value : resolve(scope, value);
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) {
        if (containsStringListTokenElement(value) || containsNumberListTokenElement(value)) return resolve(scope, value);
        const out: unknown[] = [];
        for (const item of value) {
          const r = resolveFragment(scope, item);
          if (r !== undefined) out.push(r);
        }
        return out;
      }
      const proto = Object.getPrototypeOf(value);
      const record = value as Record<string, unknown>;
      if ((proto !== Object.prototype && proto !== null) || typeof record.resolve === 'function' || containsMapToken(record)) return resolve(scope, value);
      const keys = Object.keys(record);
      if (keys.some((k) => k.includes('TfToken[') || MAP_TOKEN_STRINGS.has(k) || NUMBER_TOKEN_IN_STRING.test(k))) return resolve(scope, value);
      const out: Record<string, unknown> = {};
      for (const k of keys) {
        const r = resolveFragment(scope, record[k]);
        if (r !== undefined) out[k] = r;
      }
      return out;
    }
    default:
      return resolve(scope, value);
  }
}

/**
 * cdktf's TerraformStack.toTerraform() resolves every element's fragment, merges them, then resolves the whole merged
 * document once more (a third of what is left of the synth time), although only the stack-level overrides can still
 * hold tokens. The same steps, resolving the overrides instead of everything twice, and each fragment's plain data
 * copied rather than walked token by token (resolveFragment).
 */
export function withoutSecondResolve(stack: TerraformStack): void {
  assertPatchedCdktf();
  const internals = stack as unknown as { rawOverrides: Record<string, unknown>; cdktfVersion: string };
  stack.toTerraform = () => {
    const overrides = internals.rawOverrides;
    const metadata = {
      version: internals.cdktfVersion,
      stackName: stack.node.id,
      backend: 'local',
      cloud: undefined,
      ...(Object.keys(overrides).length > 0 ? { overrides: { stack: Object.keys(overrides) } } : {}),
    };
    const elements = terraformElements(stack);
    for (const meta of elements.map((e) => resolveFragment(stack, e.toMetadata()))) deepMerge(metadata, meta);
    const outputs = {};
    for (const item of elements) {
      if (!TerraformOutput.isTerraformOutput(item)) continue;
      deepMerge(
        outputs,
        item.node.path.split('/').reduceRight<Record<string, unknown>>((inner, part) => ({ [part]: Object.keys(inner).length === 0 ? item.friendlyUniqueId : inner }), {}),
      );
    }
    const tf: Record<string, unknown> = { '//': { metadata, outputs } };
    for (const fragment of elements.map((e) => resolveFragment(stack, e.toTerraform()))) deepMerge(tf, fragment);
    deepMerge(tf, resolve(stack, overrides));
    // The small comment block keeps the full treatment (resolving also drops the undefined `cloud`).
    tf['//'] = resolve(stack, tf['//']);
    return tf;
  };
}

/**
 * cdktf's App.synth() synthesizes stacks that were all built beforehand, so every stack's construct tree stays in
 * memory to the end: at 1,000 accounts well over a GiB, and a quarter of the synth time spent collecting garbage. The
 * same steps, stack by stack as `stacks` builds them: prepare and synthesize it exactly as App.synth does, then drop its
 * construct tree (nothing reads it again: no rootlock stack references another, and a later stack names it only as a
 * dependency, by path). Then, as App.synth, the app's own validations and the manifest.
 */
export function synthStackByStack(app: App, stacks: Iterable<TerraformStack>): void {
  assertPatchedCdktf();
  const session = { outdir: app.outdir, skipValidation: app.skipValidation, manifest: app.manifest };
  for (const stack of stacks) {
    stack.prepareStack();
    stack.synthesizer.synthesize(session);
    for (const child of [...stack.node.children]) stack.node.tryRemoveChild(child.node.id);
  }
  if (!app.skipValidation) {
    const problems = app.node.validate();
    if (problems.length) throw new Error(`Validation failed with the following errors:\n  ${problems.join('\n  ')}`);
  }
  app.manifest.writeToFile();
}

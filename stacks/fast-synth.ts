/**
 * Synth shortcuts for cdktf 0.21 (frozen), each skipping work whose result rootlock never uses. Together they cut the
 * synth of a 1,000-account organization several times over; the synth test proves the output is byte-identical to
 * stock cdktf's (`delete stack.prepareStack; delete stack.toTerraform` restores stock behaviour per stack).
 */
import * as fs from 'fs';
import * as path from 'path';
import { AnnotationMetadataEntryType, App, LocalBackend, TerraformBackend, TerraformElement, TerraformOutput, TerraformResource, TerraformStack, Tokenization } from 'cdktf';
import { ConstructOrder } from 'constructs';
import { ValidateTerraformVersion } from 'cdktf/lib/validations/validate-terraform-version';
import { encounteredAnnotationWithLevelError } from 'cdktf/lib/errors';
import { invokeAspects } from 'cdktf/lib/synthesize/synthesizer';
import type { ISynthesisSession } from 'cdktf/lib/synthesize/types';
import { resolve } from 'cdktf/lib/_tokens';
import { mergeResolved, MergeNeedsResolvedFragments, mergeUnresolved, resolvedJson, resolveFragment, stableJson } from './fast-resolve';
import { TokenMap } from 'cdktf/lib/tokens/private/token-map';
import * as cdktfUtil from 'cdktf/lib/util';
import * as cdktfExpressions from 'cdktf/lib/tfExpression';
import { deepMerge, snakeCase as cdktfSnakeCase } from 'cdktf/lib/util';
import { VALID_KEY_CHARS } from 'cdktf/lib/tokens/private/encoding';
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

/** cdktf 0.21's key conversion (util.js snakeCase): a pure function of the key, so each key is converted once. */
const SNAKE_CASE = new Map<string, string>();
function snakeCaseOnce(key: string): string {
  let snake = SNAKE_CASE.get(key);
  if (snake === undefined) SNAKE_CASE.set(key, (snake = cdktfSnakeCase(key)));
  return snake;
}

/** cdktf 0.21's util.js keysToSnakeCase, line for line, with each key's conversion remembered. */
function keysToSnakeCaseOnce(object: unknown): unknown {
  if (Tokenization.isResolvable(object)) return object;
  if (Array.isArray(object)) return object.map((e) => (typeof e === 'object' ? keysToSnakeCaseOnce(e) : e));
  const record = object as Record<string, unknown>;
  return Object.keys(record).reduce<Record<string, unknown>>((out, key) => {
    if (key === 'tags' || key === 'environment') {
      out[key] = record[key];
      return out;
    }
    let value = record[key];
    if (typeof value === 'object') value = keysToSnakeCaseOnce(value);
    if (Array.isArray(value)) value = value.map((e) => (typeof e === 'object' ? keysToSnakeCaseOnce(e) : e));
    out[snakeCaseOnce(key)] = value;
    return out;
  }, {});
}

/** cdktf 0.21's TokenMap.registerStringKey with its pattern compiled once (it built a RegExp for every token). */
const INVALID_KEY_CHAR = new RegExp(`[^${VALID_KEY_CHARS}]`, 'g');
function registerStringKeyOnce(this: TokenRegistry, token: unknown, displayHint?: string): string {
  const counter = this.tokenCounter++;
  const key = `${(displayHint || 'TOKEN').replace(INVALID_KEY_CHAR, '.')}.${counter}`;
  this.stringTokenMap.set(key, token);
  return key;
}

/** cdktf 0.21's TerraformResource attribute references: `interpolationForAttribute` makes a tfExpression Reference. */
interface AttributeReferences {
  getStringAttribute(this: AttributeReferences, attribute: string): string;
  interpolationForAttribute(attribute: string): { identifier: string; originStack?: object };
}

/**
 * getStringAttribute returning one token per reference: the same identifier (`aws_iam_role.x.arn`, worked out at each
 * call as cdktf does) from the same stack is the same token, so a role's ARN named by 122 event targets resolves once
 * per stack. cdktf makes a new token at every call, and the tokens of one reference all resolve alike.
 */
function sharedAttributeTokens(getStringAttribute: AttributeReferences['getStringAttribute']): AttributeReferences['getStringAttribute'] {
  const byStack = new WeakMap<object, Map<string, string>>();
  const noStack = {};
  return function (this: AttributeReferences, attribute: string): string {
    const { identifier, originStack } = this.interpolationForAttribute(attribute);
    let tokens = byStack.get(originStack ?? noStack);
    if (!tokens) byStack.set(originStack ?? noStack, (tokens = new Map()));
    let token = tokens.get(identifier);
    if (token === undefined) tokens.set(identifier, (token = getStringAttribute.call(this, attribute)));
    return token;
  };
}

/**
 * Four of cdktf's per-resource helpers redo the same work for every resource: keysToSnakeCase converts the same few
 * meta-argument names with three regular expressions each, every token registration compiles a regular expression,
 * and every `dependsOn` entry and every attribute reference becomes a new token (4,000 alarms depending on one role:
 * 4,000 tokens, each resolved through cdktf's resolve). While synthesizing, they are replaced by the same functions
 * doing that work once: each dependency's and each reference's token is made once and shared, so it resolves once per
 * stack (resolveFragment's cache); what it names lives in the same stack, whose tokens are forgotten together
 * (`forgetTokensSince`). The modules' exports and the prototype are read at each call by terraform-resource.js and
 * the provider classes; restored afterwards.
 */
export function withFastCdktfHelpers<T>(fn: () => T): T {
  assertPatchedCdktf();
  const exported = cdktfUtil as unknown as { keysToSnakeCase: (o: unknown) => unknown };
  const keys = exported.keysToSnakeCase;
  const expressions = cdktfExpressions as unknown as { dependable: (target: object) => string };
  const dependable = expressions.dependable;
  const tokens = new WeakMap<object, string>();
  expressions.dependable = (target) => {
    let token = tokens.get(target);
    if (token === undefined) tokens.set(target, (token = dependable(target)));
    return token;
  };
  const proto = TokenMap.prototype as unknown as { registerStringKey: typeof registerStringKeyOnce };
  const register = proto.registerStringKey;
  const resources = TerraformResource.prototype as unknown as AttributeReferences;
  const getStringAttribute = resources.getStringAttribute;
  resources.getStringAttribute = sharedAttributeTokens(getStringAttribute);
  exported.keysToSnakeCase = keysToSnakeCaseOnce;
  proto.registerStringKey = registerStringKeyOnce;
  try {
    return fn();
  } finally {
    exported.keysToSnakeCase = keys;
    proto.registerStringKey = register;
    expressions.dependable = dependable;
    resources.getStringAttribute = getStringAttribute;
  }
}

/** Every synth shortcut that holds for the length of a synth (the per-stack ones are installed on each stack). */
export function withSynthShortcuts<T>(fn: () => T): T {
  return withoutStackTraces(() => withOnceVersionChecks(() => withFastCdktfHelpers(fn)));
}

/**
 * Before synthesizing, cdktf resolves every element of every stack once more only to find cross-stack references
 * (which it turns into outputs and remote-state data sources). rootlock stacks never reference each other (every name
 * and ARN comes from the model; a cross-stack reference would also make a stack's output depend on which other
 * stacks are selected), so that run only finds nothing: skip it, keep the backend check. That check is cdktf's
 * ensureBackendExists (the first backend in the tree, else a local one), searched without cdktf's findAll, which
 * walks the tree with an async function per construct (a promise each, for nothing: it never awaits).
 */
export function withoutCrossStackPreparation(stack: TerraformStack): void {
  assertPatchedCdktf();
  stack.prepareStack = () => {
    if (!stack.node.findAll(ConstructOrder.PREORDER).some(TerraformBackend.isBackend)) new LocalBackend(stack, {});
  };
}

/** cdktf's terraformElements(): the stack's elements, not descending into nested stacks. */
function terraformElements(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) if (!TerraformStack.isStack(child)) terraformElements(child, into);
  return into;
}

/**
 * cdktf's TerraformStack.toTerraform() resolves every element's fragment, merges them, then resolves the whole merged
 * document once more (a third of what is left of the synth time), although only the stack-level overrides can still
 * hold tokens. The same steps, resolving the overrides instead of everything twice, and each fragment's plain data
 * copied rather than walked token by token (resolveFragment).
 */
export function withoutSecondResolve(stack: TerraformStack): void {
  assertPatchedCdktf();
  stack.toTerraform = () => {
    const strings = new Map<string, unknown>();
    const tf = stackDocument(stack, (fragment) => resolveFragment(stack, fragment, strings), mergeResolved);
    deepMerge(tf, resolve(stack, overridesOf(stack)));
    return tf;
  };
}

const overridesOf = (stack: TerraformStack): Record<string, unknown> => (stack as unknown as { rawOverrides: Record<string, unknown> }).rawOverrides;

/**
 * A stack's document as toTerraform builds it, before the stack-level overrides: the comment block (metadata and
 * outputs, resolved), then every element's fragment, each `prepare`d and merged into it by `merge`.
 */
function stackDocument(
  stack: TerraformStack,
  prepare: (fragment: unknown) => unknown,
  merge: (target: Record<string, unknown>, source: Record<string, unknown>) => void,
): Record<string, unknown> {
  const overrides = overridesOf(stack);
  const metadata = {
    version: (stack as unknown as { cdktfVersion: string }).cdktfVersion,
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
  for (const element of elements) merge(tf, prepare(element.toTerraform()) as Record<string, unknown>);
  // The small comment block keeps the full treatment (resolving also drops the undefined `cloud`).
  tf['//'] = resolve(stack, tf['//']);
  return tf;
}

/**
 * The stack's cdk.tf.json text: what stableJson(stack.toTerraform()) writes, resolved while written (resolvedJson)
 * from fragments merged unresolved (mergeUnresolved), so the document is never copied. The stack-level overrides are
 * resolved and merged as toTerraform merges them, where they meet nothing unresolved: the comment block (`//`, resolved
 * already) or a top-level block no element writes (the management stack's `import`, a baseline's `locals`). Where the
 * merge cannot promise the same result, the resolved document is written instead.
 */
export function stackJson(stack: TerraformStack): string {
  const owned = new WeakSet<object>();
  try {
    const tf = stackDocument(stack, (fragment) => fragment, (target, source) => mergeUnresolved(target, source, owned));
    const overrides = overridesOf(stack);
    const reaching = Object.keys(overrides).find((key) => key !== '//' && tf[key.split('.')[0]] !== undefined);
    if (reaching) throw new MergeNeedsResolvedFragments(reaching);
    deepMerge(tf, resolve(stack, overrides));
    return resolvedJson(stack, tf, new Map()) as string;
  } catch (e) {
    if (!(e instanceof MergeNeedsResolvedFragments)) throw e;
  }
  return stableJson(stack.toTerraform()) as string;
}

const CUSTOM_SYNTHESIS = Symbol.for('cdktf/customSynthesis');
const ANNOTATION_TYPES = new Set<string>([AnnotationMetadataEntryType.INFO, AnnotationMetadataEntryType.WARN, AnnotationMetadataEntryType.ERROR]);

/**
 * cdktf 0.21's StackSynthesizer.synthesize (JSON output), step for step, writing with `stableJson` instead of
 * json-stable-stringify. `delete stack.synthesizer.synthesize` restores cdktf's own.
 */
export function withFastJsonWriter(stack: TerraformStack): void {
  assertPatchedCdktf();
  const synthesizer = stack.synthesizer as unknown as { continueOnErrorAnnotations: boolean; hclOutput: boolean; synthesize: (session: ISynthesisSession) => void };
  if (synthesizer.hclOutput) return;
  synthesizer.synthesize = (session: ISynthesisSession) => {
    invokeAspects(stack);
    if (stack.hasResourceMove()) stack.node.addValidation(new ValidateTerraformVersion('>=1.5', 'Resource move functionality is only supported for Terraform >=1.5. Please upgrade your Terraform version.'));
    if (!session.skipValidation) stack.runAllValidations();
    const stackManifest = session.manifest.forStack(stack);
    const workingDirectory = path.join(session.outdir, stackManifest.workingDirectory);
    if (!fs.existsSync(workingDirectory)) fs.mkdirSync(workingDirectory);
    const nodes = stack.node.findAll();
    for (const node of stack.node.findAll(ConstructOrder.POSTORDER)) (node as unknown as Record<symbol, { onSynthesize(s: ISynthesisSession): void } | undefined>)[CUSTOM_SYNTHESIS]?.onSynthesize(session);
    const annotations = nodes.flatMap((node) =>
      node.node.metadata.filter((m) => ANNOTATION_TYPES.has(m.type)).map((m) => ({ constructPath: node.node.path, level: m.type, message: m.data, stacktrace: m.trace })),
    );
    (stackManifest as { annotations: unknown }).annotations = annotations;
    const errors = annotations.filter((a) => a.level === AnnotationMetadataEntryType.ERROR);
    if (!synthesizer.continueOnErrorAnnotations && errors.length) throw encounteredAnnotationWithLevelError(errors.map((a) => `[${a.constructPath}] ${a.message}`).join('\n'));
    fs.writeFileSync(path.join(session.outdir, stackManifest.synthesizedStackPath), stackJson(stack));
  };
}

/**
 * cdktf's App.synth() synthesizes stacks that were all built beforehand, so every stack's construct tree stays in
 * memory to the end: at 1,000 accounts well over a GiB, and a quarter of the synth time spent collecting garbage. The
 * same steps, stack by stack as `stacks` builds them: prepare and synthesize it exactly as App.synth does, write it
 * and its manifest entry, then drop its construct tree (nothing reads it again: no rootlock stack references another,
 * and a later stack names it only as a dependency, by path) and forget the tokens registered while building it
 * (`forgetTokensSince`). The app-level end of App.synth is `finishApp`, once every thread's stacks are written.
 */
export function synthStacksOnly(app: App, stacks: Iterable<TerraformStack>): void {
  assertPatchedCdktf();
  const session = { outdir: app.outdir, skipValidation: app.skipValidation, manifest: app.manifest };
  const iterator = stacks[Symbol.iterator]();
  for (;;) {
    // The stack is built by the iterator: its tokens are the ones registered from here on.
    const since = tokenMap().tokenCounter;
    const next = iterator.next();
    if (next.done) break;
    const stack = next.value;
    stack.prepareStack();
    stack.synthesizer.synthesize(session);
    for (const child of [...stack.node.children]) stack.node.tryRemoveChild(child.node.id);
    forgetTokensSince(since);
  }
}

/** cdktf 0.21's process-wide token registry (tokens/private/token-map.js): every token ever encoded, by key. */
interface TokenRegistry {
  tokenCounter: number;
  stringTokenMap: Map<string, unknown>;
  numberTokenMap: Map<number, unknown>;
}

function tokenMap(): TokenRegistry {
  return TokenMap.instance() as unknown as TokenRegistry;
}

/**
 * cdktf keeps every token it encodes in a process-wide map for the life of the process, and each token holds the
 * construct it refers to: so every synthesized stack's whole construct tree stayed reachable, and a 1,000-account synth
 * grew its heap to the end (most of its garbage-collection time and memory). A stack's tokens appear only in its own
 * output (no rootlock stack references another), so once it is written they are dropped: those numbered from `since`
 * on (string keys end in `.<number>`; number tokens are keyed by it). A token still used later would fail loudly, as
 * an unrecognized token, never silently.
 */
function forgetTokensSince(since: number): void {
  const tokens = tokenMap();
  for (const key of tokens.stringTokenMap.keys()) if (Number(key.slice(key.lastIndexOf('.') + 1)) >= since) tokens.stringTokenMap.delete(key);
  for (const key of tokens.numberTokenMap.keys()) if (key >= since) tokens.numberTokenMap.delete(key);
}

/** As App.synth ends, after `synthStacksOnly`: the app's own validations, then manifest.json. */
export function finishApp(app: App): void {
  if (!app.skipValidation) {
    const problems = app.node.validate();
    if (problems.length) throw new Error(`Validation failed with the following errors:\n  ${problems.join('\n  ')}`);
  }
  app.manifest.writeToFile();
}

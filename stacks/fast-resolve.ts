/**
 * The token resolution and JSON writing of the synth shortcuts (stacks/fast-synth.ts), each proven to give cdktf
 * 0.21's bytes: `resolveFragment` (cdktf's resolve, copying plain data instead of walking it), `stableJson`
 * (json-stable-stringify's `space: 2` output), and `resolvedJson`, the two in one pass over a stack's document.
 */
import { resolve } from 'cdktf/lib/_tokens';
import { Tokenization } from 'cdktf';
import { deepMerge } from 'cdktf/lib/util';
import { containsNumberListTokenElement, containsStringListTokenElement } from 'cdktf/lib/tokens/private/encoding';
import type { IConstruct } from 'constructs';

/** cdktf 0.21's number-token pattern in strings (tokens/private/encoding.js NUMBER_TOKEN_REGEX), unanchored. */
const NUMBER_TOKEN_IN_STRING = /[-|\d|.\+]+(e[-|\d|.|e|E|\+]+)/;
/** Strings and the number cdktf's resolve refuses in scalar context (Token.*_MAP_TOKEN_VALUE). */
const MAP_TOKEN_STRINGS = new Set(['String Map Token Value', 'Any Map Token Value']);
const NUMBER_MAP_TOKEN_VALUE = -123456789;

/** A string cdktf's resolve could change: one with a token marker, a map token value, or a number-token pattern. */
const mayHoldToken = (value: string): boolean => value.includes('TfToken[') || MAP_TOKEN_STRINGS.has(value) || NUMBER_TOKEN_IN_STRING.test(value);

/**
 * cdktf's resolve, for the plain data a resource's config mostly is: it walks every value with a fresh resolution
 * context (closures, a prefix array, an options object each), though almost every string holds no token. Here each
 * value that cannot hold a token is copied as resolve would leave it (undefined dropped from objects and arrays), and
 * every other one (a string with a token marker or a number-token pattern, a number that is not a safe integer, a map
 * token value, a list or map token, a resolvable, a non-plain object) goes to cdktf's own resolve, unchanged. Plain
 * levels carry no resolution flags in cdktf either, so each delegated value resolves exactly as it would nested.
 * `strings` remembers what each string with a token resolved to, for the rest of the stack.
 */
export function resolveFragment(scope: IConstruct, value: unknown, strings: Map<string, unknown> = new Map()): unknown {
  switch (typeof value) {
    case 'undefined':
    case 'boolean':
      return value;
    case 'string': {
      if (!mayHoldToken(value)) return value;
      // A string with a token resolves the same wherever it appears in one stack (a reference: `${type.name.attr}`),
      // and one topic's or role's ARN appears in hundreds of resources: resolved once per stack.
      if (strings.has(value)) return strings.get(value);
      const resolved = resolve(scope, value);
      if (typeof resolved === 'string') strings.set(value, resolved);
      return resolved;
    }
    case 'number':
      return Number.isSafeInteger(value) && value !== NUMBER_MAP_TOKEN_VALUE ? value : resolve(scope, value);
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) {
        if (containsStringListTokenElement(value) || containsNumberListTokenElement(value)) return resolve(scope, value);
        const out: unknown[] = [];
        for (const item of value) {
          const r = resolveFragment(scope, item, strings);
          if (r !== undefined) out.push(r);
        }
        return out;
      }
      if (!isPlainRecord(value)) return resolve(scope, value);
      const record = value;
      const keys = Object.keys(record);
      const out: Record<string, unknown> = {};
      for (const k of keys) {
        const r = resolveFragment(scope, record[k], strings);
        if (r !== undefined) out[k] = r;
      }
      return out;
    }
    default:
      return resolve(scope, value);
  }
}

/**
 * cdktf's deepMerge for a `source` that resolveFragment just made: plain data, every object and array its own. Where
 * `target` has no such key, deepMerge would copy the object over key by key (the same keys in the same order, no
 * undefined among them); it is handed over instead, since nothing else holds it. Everything else as deepMerge.
 */
export function mergeResolved(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const key of Object.keys(source)) {
    const value = source[key];
    const current = target[key];
    if (current === undefined) target[key] = value;
    else if (typeof value === 'object' && value !== null && !Array.isArray(value) && typeof current === 'object' && current !== null && !Array.isArray(current))
      mergeResolved(current as Record<string, unknown>, value as Record<string, unknown>);
    else deepMerge(target, { [key]: value });
  }
}

/** Each key as JSON writes it, with its `: ` (keys repeat across every stack of a synth). */
const QUOTED_KEYS = new Map<string, string>();
function quotedKey(key: string): string {
  let quoted = QUOTED_KEYS.get(key);
  if (quoted === undefined) QUOTED_KEYS.set(key, (quoted = `${JSON.stringify(key)}: `));
  return quoted;
}

/** `n` levels of json-stable-stringify's `space: 2` indentation, each behind a newline. */
const INDENTS: string[] = [];
const indentOf = (level: number): string => (INDENTS[level] ??= `\n${'  '.repeat(level)}`);

/**
 * json-stable-stringify's output with `{ space: 2 }` (cdktf 0.21 writes every cdk.tf.json and the manifest with it),
 * without its per-node bookkeeping (a replacer call, an `indexOf` over the ancestors, arrays joined twice): at 1,000
 * accounts its walk was a sixth of the synth. The same bytes: keys sorted by code unit; `toJSON` honoured; a value
 * JSON cannot hold is dropped from an object and is `null` in an array; an empty array or object keeps its line break
 * (`[\n  ]`); a cycle is an error. The synth test compares this against stock cdktf's files byte for byte.
 */
export function stableJson(value: unknown): string | undefined {
  return stableJsonAt(value, 0);
}

/** `stableJson` of a value that sits `level` levels deep in a document (its nested lines indented to match). */
function stableJsonAt(value: unknown, level: number): string | undefined {
  const ancestors = new Set<object>();
  const write = (node: unknown, level: number): string | undefined => {
    if (node && typeof (node as { toJSON?: unknown }).toJSON === 'function') node = (node as { toJSON: () => unknown }).toJSON();
    if (typeof node !== 'object' || node === null) return JSON.stringify(node);
    const close = indentOf(level);
    const open = indentOf(level + 1);
    let out = '';
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) out += `${i ? ',' : ''}${open}${write(node[i], level + 1) || 'null'}`;
      return `[${out}${close}]`;
    }
    if (ancestors.has(node)) throw new TypeError('Converting circular structure to JSON');
    ancestors.add(node);
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record).sort()) {
      const item = write(record[key], level + 1);
      if (item) out += `${out ? ',' : ''}${open}${quotedKey(key)}${item}`;
    }
    ancestors.delete(node);
    return `{${out}${close}}`;
  };
  return write(value, level);
}

/** Keys already seen to hold no token (attribute and resource names repeat across every stack of a synth). */
const TOKENLESS_KEYS = new Set<string>();

/**
 * True for a plain object resolveFragment copies key by key (anything else goes to cdktf's resolve whole): a plain
 * prototype, no `resolve` method, and no key that may hold a token. That last test also covers cdktf's
 * containsMapToken, since a map token key holds its marker (`&{TfToken[`).
 */
function isPlainRecord(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  if ((proto !== Object.prototype && proto !== null) || typeof (value as { resolve?: unknown }).resolve === 'function') return false;
  for (const key of Object.keys(value)) {
    if (TOKENLESS_KEYS.has(key)) continue;
    if (mayHoldToken(key)) return false;
    TOKENLESS_KEYS.add(key);
  }
  return true;
}

/** The depth of each block's entries (a resource's body: `resource.<type>.<name>`). */
const BLOCK_ENTRY_LEVEL = 3;

/**
 * The same string, which V8 now keeps as one flat string (converting a string to a number flattens it; the number is
 * thrown away). A resource's JSON is concatenated from hundreds of pieces that would otherwise all stay alive, and be
 * copied by every young-generation collection, until the stack's file is written: flattened as each resource is
 * complete, they die young (a quarter less collection time on the main thread of a vend at 1,000 accounts).
 */
function flattened(text: string): string {
  Number(text);
  return text;
}

/**
 * `stableJson(resolveFragment(scope, value, strings))` in one pass, without the resolved copy of the document (at
 * 1,000 accounts that copy was a fifth of the synth's CPU, most of it garbage collection). Each value is classified
 * exactly as resolveFragment classifies it; what it would hand to cdktf's resolve is resolved here the same way and
 * written with stableJson at its depth; what it drops (undefined, in objects and arrays) is not written; what it
 * refuses (a function) is refused with cdktf's error.
 */
export function resolvedJson(scope: IConstruct, value: unknown, strings: Map<string, unknown>): string | undefined {
  const ancestors = new Set<object>();
  const delegated = (resolved: unknown, level: number): string | undefined => (resolved === undefined ? undefined : (stableJsonAt(resolved, level) ?? ''));
  const write = (node: unknown, level: number): string | undefined => {
    switch (typeof node) {
      case 'undefined':
        return undefined;
      case 'boolean':
        return node ? 'true' : 'false';
      case 'string':
        return mayHoldToken(node) ? delegated(resolveFragment(scope, node, strings), level) : JSON.stringify(node);
      case 'number':
        return Number.isSafeInteger(node) && node !== NUMBER_MAP_TOKEN_VALUE ? JSON.stringify(node) : delegated(resolve(scope, node), level);
      case 'object': {
        if (node === null) return 'null';
        const close = indentOf(level);
        const open = indentOf(level + 1);
        let out = '';
        if (Array.isArray(node)) {
          if (containsStringListTokenElement(node) || containsNumberListTokenElement(node)) return delegated(resolve(scope, node), level);
          for (const item of node) {
            const written = write(item, level + 1);
            if (written !== undefined) out += `${out ? ',' : ''}${open}${written || 'null'}`;
          }
          return `[${out}${close}]`;
        }
        if (!isPlainRecord(node)) return delegated(resolve(scope, node), level);
        if (ancestors.has(node)) throw new TypeError('Converting circular structure to JSON');
        ancestors.add(node);
        for (const key of Object.keys(node).sort()) {
          const written = write(node[key], level + 1);
          if (written) out += `${out ? ',' : ''}${open}${quotedKey(key)}${written}`;
        }
        ancestors.delete(node);
        return level === BLOCK_ENTRY_LEVEL ? flattened(`{${out}${close}}`) : `{${out}${close}}`;
      }
      default:
        return delegated(resolve(scope, node), level);
    }
  };
  return write(value, 0);
}

/** Thrown by `mergeUnresolved` where merging before resolving might not equal merging after: use the resolved path. */
export class MergeNeedsResolvedFragments extends Error {}

/**
 * cdktf's deepMerge of resolved fragments, done on the fragments before resolving (`resolvedJson` resolves while
 * writing): equal wherever the merge only meets plain objects (resolution maps over their keys), concatenates arrays
 * without list tokens (resolution maps over their items) or lets a later plain value win, which is every rootlock
 * stack; anything else throws MergeNeedsResolvedFragments. Fragments are not copied: an object is copied (shallowly)
 * only before a second fragment merges into it, so nothing a construct holds is ever changed.
 */
export function mergeUnresolved(target: Record<string, unknown>, source: Record<string, unknown>, owned: WeakSet<object>): void {
  for (const key of Object.keys(source)) {
    const value = source[key];
    const current = target[key];
    if (current === undefined) target[key] = value;
    else if (value === undefined) continue;
    // An object this merge made is plain by construction (a checked object's copy, given checked objects' keys): not
    // checked again, or each merge into a block of thousands would walk all of them.
    else if ((owned.has(current as object) || isMergeable(current)) && isMergeable(value) && !Array.isArray(current) && !Array.isArray(value)) {
      let into = current as Record<string, unknown>;
      if (!owned.has(into)) {
        into = { ...into };
        owned.add(into);
        target[key] = into;
      }
      mergeUnresolved(into, value as Record<string, unknown>, owned);
    } else if (Array.isArray(current) && Array.isArray(value) && isMergeable(current) && isMergeable(value)) target[key] = [...current, ...value];
    // A later plain value wins, as in deepMerge: resolving it first changes nothing (each provider alias repeats its
    // required_providers version).
    else if (isPlainScalar(value)) target[key] = value;
    else throw new MergeNeedsResolvedFragments(key);
  }
}

/** A value resolution leaves as it is: null, a boolean, a safe integer, or a string that cannot hold a token. */
function isPlainScalar(value: unknown): boolean {
  switch (typeof value) {
    case 'boolean':
      return true;
    case 'number':
      return Number.isSafeInteger(value) && value !== NUMBER_MAP_TOKEN_VALUE;
    case 'string':
      return !mayHoldToken(value);
    default:
      return value === null;
  }
}

function isMergeable(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Tokenization.isResolvable(value)) return false;
  return Array.isArray(value) ? !containsStringListTokenElement(value) && !containsNumberListTokenElement(value) : isPlainRecord(value);
}

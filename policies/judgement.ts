/**
 * One semantic normalizer for IAM-style JSON documents (policies, trust policies, SNS filter policies, EventBridge
 * patterns), and a readable diff of two of them. The audit compares live documents with the synthesized ones through
 * it, and the review can judge plan changes with the same rules, so "no difference" means the same thing everywhere.
 *
 * What AWS treats as the same document, and so do we:
 * - `Principal: "*"` and `Principal: { AWS: "*" }` (IAM JSON policy reference, Principal element:
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html);
 * - a single value and a one-element array, for every list-valued element (Action, Resource, principals, condition
 *   values: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html, "<value_list>");
 * - the order of values in a list, and the order of keys (JSON objects are unordered);
 * - numbers written as strings ("1" and 1 in a condition or a pattern), and booleans written as strings;
 * - IAM's URL-encoded text (GetRole returns the trust policy URL-encoded).
 * Statement order is kept (it is not semantic, but a reordered policy is still the same set of statements: statements
 * are compared as a sorted list of their canonical texts).
 */

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Parses a document given as an object, JSON text, or IAM's URL-encoded JSON text. */
export function parseDocument(doc: unknown): Json {
  if (typeof doc !== 'string') return doc as Json;
  const text = doc.trim();
  const decoded = text.startsWith('%7B') || (!text.startsWith('{') && text.includes('%22')) ? decodeURIComponent(text) : text;
  return JSON.parse(decoded) as Json;
}

const scalarText = (v: Json): Json => {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return v;
};

/**
 * `policy`: the IAM equivalences above. `pattern`: an EventBridge event pattern or SNS filter policy, where only key
 * order and the order of values in a list are free: `[1]` (numeric) and `["1"]` (string) match different events
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html).
 */
export type DocumentKind = 'policy' | 'pattern';

function normalizeValue(value: Json, key: string | undefined, kind: DocumentKind = 'policy'): Json {
  if (Array.isArray(value)) {
    const items = value.map((v) => normalizeValue(v, undefined, kind));
    const texts = items.map((i) => JSON.stringify(i));
    // A list is a set: sorted and de-duplicated by canonical text.
    return [...new Map(texts.map((t, i) => [t, items[i]])).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  }
  if (value && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => {
        let v = value[k];
        if (kind === 'policy' && k === 'Principal' && v === '*') v = { AWS: '*' };
        return [k, normalizeValue(v, k, kind)] as const;
      });
    return Object.fromEntries(entries);
  }
  if (kind === 'pattern') return value;
  // Scalars under a key are one-element sets: "a" == ["a"], 1 == "1", true == "true". Version and Effect stay scalars.
  if (key !== undefined && !SCALAR_KEYS.has(key)) return [scalarText(value)];
  return scalarText(value);
}

/** Elements that are single values by grammar, never lists. */
const SCALAR_KEYS = new Set(['Version', 'Id', 'Sid', 'Effect']);

/** The canonical form of a document: equal canonical forms are the same document for AWS. */
export function normalizeDocument(doc: unknown, kind: DocumentKind = 'policy'): Json {
  const parsed = parseDocument(doc);
  if (kind === 'pattern') return normalizeValue(parsed, undefined, kind);
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed) && 'Statement' in parsed && !Array.isArray(parsed.Statement)) {
    return normalizeValue({ ...parsed, Statement: [parsed.Statement] }, undefined);
  }
  return normalizeValue(parsed, undefined);
}

/** Whether two documents (objects, JSON or URL-encoded text) say the same thing; unparseable text is never the same. */
export function sameDocument(a: unknown, b: unknown, kind: DocumentKind = 'policy'): boolean {
  try {
    return JSON.stringify(normalizeDocument(a, kind)) === JSON.stringify(normalizeDocument(b, kind));
  } catch {
    return false;
  }
}

/** Flattens a canonical document into `path = value` lines, one per leaf, in a stable order. */
function lines(value: Json, prefix = ''): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${prefix} = []`];
    // Statements and other objects in lists: index by their own position in the sorted set (stable).
    return value.flatMap((v, i) => (v !== null && typeof v === 'object' ? lines(v, `${prefix}[${i}]`) : [`${prefix} ∋ ${JSON.stringify(v)}`]));
  }
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 0) return [`${prefix} = {}`];
    return keys.flatMap((k) => lines(value[k], prefix ? `${prefix}.${k}` : k));
  }
  return [`${prefix} = ${JSON.stringify(value)}`];
}

/**
 * A readable difference: `- line` only in the expected document, `+ line` only in the actual one, one leaf per line
 * (`Statement[1].Action ∋ "sns:Publish"`). Empty when the documents are the same. Unparseable text is shown whole.
 */
export function documentDiff(expected: unknown, actual: unknown, kind: DocumentKind = 'policy'): string[] {
  let e: string[];
  let a: string[];
  try {
    e = lines(normalizeDocument(expected, kind));
  } catch {
    e = [`(unparseable) ${String(expected)}`];
  }
  try {
    a = actual === undefined || actual === null ? [] : lines(normalizeDocument(actual, kind));
  } catch {
    a = [`(unparseable) ${String(actual)}`];
  }
  const inA = new Set(a);
  const inE = new Set(e);
  return [...e.filter((l) => !inA.has(l)).map((l) => `- ${l}`), ...a.filter((l) => !inE.has(l)).map((l) => `+ ${l}`)];
}

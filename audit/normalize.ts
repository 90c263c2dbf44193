/**
 * IAM returns a policy URL-encoded, with single values as strings where we write lists, and in its own key order.
 * Both sides go through the same normalisation before they are compared: every list-valued field becomes a sorted
 * list, keys are sorted (policies/document.ts `canonical`), statements keep their order.
 */
import { canonical } from '../policies/document';

const LIST_FIELDS = new Set(['Action', 'NotAction', 'Resource', 'NotResource', 'AWS', 'Service', 'Federated', 'CanonicalUser']);

function listify(value: unknown, key?: string, inCondition = false): unknown {
  if (Array.isArray(value)) return value.map((v) => listify(v, undefined, inCondition));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => {
        // Condition blocks: operator -> key -> value(s); the values are lists.
        if (k === 'Condition') return [k, listify(v, k, true)];
        return [k, listify(v, k, inCondition)];
      }),
    );
  }
  if (typeof value === 'string' && (LIST_FIELDS.has(key ?? '') || (inCondition && key !== undefined))) return [value];
  return value;
}

/** A policy document (object, JSON text or IAM's URL-encoded JSON) in comparable form. */
export function normalizePolicy(doc: unknown): unknown {
  let value = doc;
  if (typeof value === 'string') {
    const text = value.trim().startsWith('%7B') || value.includes('%22') ? decodeURIComponent(value) : value;
    value = JSON.parse(text);
  }
  const v = value as { Statement?: unknown };
  if (v && typeof v === 'object' && v.Statement && !Array.isArray(v.Statement)) value = { ...v, Statement: [v.Statement] };
  return canonical(listify(value));
}

export function samePolicy(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalizePolicy(a)) === JSON.stringify(normalizePolicy(b));
}

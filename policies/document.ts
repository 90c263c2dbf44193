/** Policy documents as plain data, and their one canonical text, so plans never churn on ordering. */
import { compareOnceResolved } from '../config/model-created';
import { rootUserArn } from '../config/arn';

export type ConditionBlock = Record<string, Record<string, string | string[]>>;
export type Principal = '*' | { AWS?: string | string[]; Service?: string | string[] };

export interface Statement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Principal?: Principal;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: ConditionBlock;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: Statement[];
}

export function policy(...statements: Statement[]): PolicyDocument {
  const sids = new Set<string>();
  for (const s of statements) {
    if (sids.has(s.Sid)) throw new Error(`duplicate Sid ${s.Sid}`);
    sids.add(s.Sid);
  }
  return { Version: '2012-10-17', Statement: statements };
}

/** Keys sorted, string lists sorted and de-duplicated, single-element lists kept as lists; statements keep their order. */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(canonical);
    return items.every((i) => typeof i === 'string') ? [...new Set(items as string[])].sort(compareOnceResolved) : items;
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** Minified canonical JSON: the text that goes into Terraform and is measured against size limits. */
export function policyJson(doc: PolicyDocument): string {
  return JSON.stringify(canonical(doc));
}

/**
 * A policy text as a Terraform string literal: IAM policy variables (`${aws:username}`) would otherwise be read as
 * Terraform interpolations, so `${` and `%{` are escaped (`$${`, `%%{`; Terraform's template escapes). Terraform hands
 * AWS the original text, which is what plans show and the review compares.
 */
export function terraformLiteral(text: string): string {
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/** Denies every request to `resource` that is not over TLS (aws:SecureTransport is in every request's context). */
export function denyInsecureTransport(action: string, resource: string | string[]): Statement {
  return { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: action, Resource: resource, Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
}

/** The owning account administers its key: without this the key becomes unmanageable; IAM policies there decide who. */
export function keyAdministration(accountId: string): Statement {
  return { Sid: 'OwningAccountAdministersKey', Effect: 'Allow', Principal: { AWS: rootUserArn(accountId) }, Action: 'kms:*', Resource: '*' };
}

/**
 * The monitoring-protection SCPs, generated from the protected set (config/model-protection.ts), the IAM action
 * catalogue snapshot (policies/iam-actions.json) and the reviewed classification (policies/protection-classification.ts).
 *
 * Every changing action (Write, Permissions management, Tagging) that the catalogue says applies to a protected resource
 * type is denied to everyone but the deployment role: by ARN, by resource tag (KMS keys) or by condition key (the metric
 * namespace). ARN-less actions are denied in the account that holds the protected resources (aws:PrincipalAccount) or
 * in every member account, or left open with their reason. Action lists are shortened to word-prefix wildcards only
 * where the prefix matches no action of the service that must stay open on the same resources.
 */
import type { Model } from '../config/model';
import type { Holder, ProtectedResource } from '../config/model-protection';
import { catalogueActions, changes, CatalogueAction } from './iam-catalogue';
import { ARNLESS, DENY_BY_ACCOUNT, DENY_TO_EVERYONE, OPEN_ON_PROTECTED } from './protection-classification';
import type { ConditionBlock, Statement } from './document';

/** What the catalogue and the classification decide for one protected resource. */
export interface ResourceDecision {
  resource: ProtectedResource;
  denied: string[];
  open: Array<{ action: string; why: string }>;
}

/** The changing actions that reach a protected resource, per the catalogue: by resource type, or by condition key. */
export function actionsReaching(r: ProtectedResource): CatalogueAction[] {
  return catalogueActions(r.service).filter(
    (a) => changes(a) && (r.scope.by === 'condition' ? a.conditionKeys.includes(r.scope.conditionKey) : a.resourceTypes.includes(r.resourceType!)),
  );
}

export function decide(r: ProtectedResource): ResourceDecision {
  const open = OPEN_ON_PROTECTED[r.id] ?? {};
  const reaching = actionsReaching(r);
  return {
    resource: r,
    denied: reaching.filter((a) => !open[a.action]).map((a) => a.action),
    open: reaching.filter((a) => open[a.action]).map((a) => ({ action: a.action, why: open[a.action] })),
  };
}

/** ARN-less and by-account classifications that apply to this model (its protected services), by holder. */
export function accountScopedDenies(model: Model): Array<{ action: string; holder: Holder; why: string }> {
  const services = new Set(model.protection.services);
  const entries = [...Object.entries(ARNLESS), ...Object.entries(DENY_BY_ACCOUNT)];
  return entries
    .filter(([action, c]) => 'deny' in c && services.has(action.split(':')[0]))
    .map(([action, c]) => ({ action, holder: (c as { deny: Holder }).deny, why: (c as { why: string }).why }))
    .sort((a, b) => a.action.localeCompare(b.action));
}

/** ARN-less changing actions left open, with their reasons (rendered in the docs). */
export function openArnless(model: Model): Array<{ action: string; why: string }> {
  const services = new Set(model.protection.services);
  return Object.entries(ARNLESS)
    .filter(([action, c]) => 'open' in c && services.has(action.split(':')[0]))
    .map(([action, c]) => ({ action, why: (c as { open: string }).open }))
    .sort((a, b) => a.action.localeCompare(b.action));
}

const words = (name: string) => name.match(/[A-Z][a-z0-9]*|[a-z0-9]+/g) ?? [name];

/**
 * The shortest word-prefix wildcards (s3:PutBucket*) that cover `denied` and match nothing in `keepOpen`; an action
 * whose every prefix would match something open stays exact.
 */
export function compressActions(denied: string[], keepOpen: string[]): string[] {
  const patterns = new Set<string>();
  for (const action of denied) {
    const [service, name] = action.split(':');
    const parts = words(name);
    let chosen = action;
    for (let n = 1; n < parts.length; n++) {
      const prefix = `${service}:${parts.slice(0, n).join('')}`;
      if (!keepOpen.some((o) => o.startsWith(prefix))) {
        chosen = `${prefix}*`;
        break;
      }
    }
    patterns.add(chosen);
  }
  // Drop what a wildcard already covers (s3:CreateBucket under s3:CreateBucket*).
  const wildcards = [...patterns].filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1));
  return [...patterns].filter((p) => !wildcards.some((w) => p !== `${w}*` && p.startsWith(w))).sort();
}

/** Actions of the service that a statement must not reach: everything not denied that could match its resources. */
function keepOpenFor(service: string, denied: Set<string>, resourceTypes?: Set<string>): string[] {
  return catalogueActions(service)
    .filter((a) => !denied.has(a.action))
    .filter((a) => !resourceTypes || a.resourceTypes.length === 0 || a.resourceTypes.some((t) => resourceTypes.has(t)))
    .map((a) => a.action);
}

const pascal = (s: string) => s.replace(/(^|[-_])(\w)/g, (_, __, c: string) => c.toUpperCase());

/** The deny statements, in a fixed order (packing into SCPs keeps this order, so plans do not churn). */
export function protectionStatements(model: Model): Statement[] {
  const exceptDeployer: ConditionBlock = { ArnNotLike: { 'aws:PrincipalArn': model.protection.deploymentRoleArnPattern } };
  const decisions = model.protection.resources.map(decide);
  const statements: Statement[] = [];

  // By ARN: one statement per service, over the union of its protected resources.
  const byArn = decisions.filter((d) => d.resource.scope.by === 'arn');
  for (const service of [...new Set(byArn.map((d) => d.resource.service))].sort()) {
    const group = byArn.filter((d) => d.resource.service === service);
    const denied = new Set(group.flatMap((d) => d.denied));
    const types = new Set(group.map((d) => d.resource.resourceType!));
    const resources = [...new Set(group.flatMap((d) => (d.resource.scope.by === 'arn' ? d.resource.scope.arns : [])))].sort();
    statements.push({
      Sid: `Protect${pascal(service)}Resources`,
      Effect: 'Deny',
      Action: compressActions([...denied], keepOpenFor(service, denied, types)),
      Resource: resources,
      Condition: exceptDeployer,
    });
  }
  // The log streams' writes left open above, open only to their writers: nobody else forges a trail record (a fake
  // page) or a heartbeat (a silenced health alarm).
  const streams = decisions.find((d) => d.resource.id === 'LogStreams');
  if (streams && streams.resource.scope.by === 'arn' && streams.open.length > 0) {
    statements.push({
      Sid: 'OnlyDeliveryWritesProtectedLogs',
      Effect: 'Deny',
      Action: streams.open.map((o) => o.action).sort(),
      Resource: [...streams.resource.scope.arns].sort(),
      Condition: { ArnNotLike: { 'aws:PrincipalArn': [model.protection.deploymentRoleArnPattern, ...model.protection.logStreamWriters] } },
    });
  }
  // By tag or condition key: Resource "*", the request must carry the tag or the key.
  for (const d of decisions.filter((x) => x.resource.scope.by !== 'arn')) {
    const scope = d.resource.scope;
    const denied = new Set(d.denied);
    const condition: ConditionBlock =
      scope.by === 'tag' ? { Null: { [`aws:ResourceTag/${scope.tagKey}`]: 'false' } } : scope.by === 'condition' ? { StringEquals: { [scope.conditionKey]: scope.values } } : {};
    statements.push({
      Sid: `Protect${pascal(d.resource.id)}By${scope.by === 'tag' ? 'Tag' : 'ConditionKey'}`,
      Effect: 'Deny',
      Action: compressActions([...denied], keepOpenFor(d.resource.service, denied)),
      Resource: '*',
      Condition: { ...exceptDeployer, ...condition },
    });
  }
  // ARN-less: by the account holding the protected resources.
  const accountScoped = accountScopedDenies(model).filter((a) => !DENY_TO_EVERYONE.includes(a.action));
  for (const holder of ['security', 'every-account'] as const) {
    const actions = accountScoped.filter((a) => a.holder === holder).map((a) => a.action);
    if (actions.length === 0) continue;
    const denied = new Set(actions);
    const services = [...new Set(actions.map((a) => a.split(':')[0]))];
    const keep = services.flatMap((s) => keepOpenFor(s, denied));
    statements.push({
      Sid: holder === 'security' ? 'ProtectSecurityAccountSettings' : 'ProtectEveryAccountSettings',
      Effect: 'Deny',
      Action: compressActions(actions, keep),
      Resource: '*',
      Condition: holder === 'security' ? { ...exceptDeployer, StringEquals: { 'aws:PrincipalAccount': model.protection.securityAccountId } } : exceptDeployer,
    });
  }
  statements.push({ Sid: 'DenyLeavingTheOrganization', Effect: 'Deny', Action: [...DENY_TO_EVERYONE], Resource: '*' });
  return statements;
}

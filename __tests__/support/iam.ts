/**
 * A small wrapper around @cloud-copilot/iam-simulate (AGPL: tests only, never imported from product code).
 *
 * iam-simulate evaluates exactly what it is given: it does not derive aws:PrincipalArn, aws:AssumedRoot,
 * aws:MultiFactorAuthPresent, aws:SourceArn and so on from the request. Tests pass every context key explicitly and
 * realistically. The wrapper refuses to run when iam-simulate silently drops a context key as "not applicable to this
 * action" (a dropped key would turn a Null/IfExists condition into a false proof), and when the simulation errors.
 */
import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { PolicyDocument } from '../../policies/document';
import { integration, IntegrationId, principalOf } from '../../policies/service-integrations';

export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

/** The AWS-managed SCP Organizations attaches to the root, every OU and every account. */
export const FULL_AWS_ACCESS: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'FullAWSAccess', Effect: 'Allow', Action: '*', Resource: '*' }],
};

/** AdministratorAccess, as an identity policy. */
export const ADMIN: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'Admin', Effect: 'Allow', Action: '*', Resource: '*' }],
};

/** One level of the organization tree (root, OU, ..., account) and the SCPs attached to it. */
export interface ScpLevel {
  id: string;
  policies: Array<PolicyDocument | { name: string; policy: PolicyDocument | object }>;
}

export interface SimulateInput {
  /** SCPs by level, root first, account last. A flat list of documents is one level (plus FullAWSAccess elsewhere). */
  scps?: ScpLevel[];
  /** RCPs of the resource's account by level, root first (RCPFullAWSAccess included by the caller). */
  rcps?: ScpLevel[];
  identityPolicies?: Array<PolicyDocument | object>;
  /** A resource policy: bucket, key, topic, bus or queue policy. */
  resourcePolicy?: PolicyDocument | object;
  /** A role trust policy: the resource policy of sts:AssumeRole on the role. */
  trustPolicy?: PolicyDocument | object;
  principal: string;
  action: string;
  resource: string;
  /** Account that owns the resource; derived from the ARN when it carries one. */
  resourceAccount?: string;
  context?: Record<string, string | string[]>;
  /** Context keys the caller knows iam-simulate does not know for this action and accepts being dropped. */
  allowIgnoredKeys?: string[];
  /**
   * Skip iam-simulate's resource-type validation, for a resource its action data cannot name: the root user itself
   * (`arn:aws:iam::<acct>:root`, the resource of a root task session's iam:DeleteLoginProfile). The same policy texts
   * and context keys are also run validated elsewhere in each suite, which is what proves them well-formed; this mode
   * gives only the decision.
   */
  unvalidatedResource?: boolean;
  /**
   * Context keys iam-simulate's validator cannot name although the action supports them: variable keys whose variable
   * part holds colons, such as `kms:EncryptionContext:aws:cloudtrail:arn` (its validator only matches `prefix/var`).
   * The simulation is run validated without them (proving policies, action, resource and the other keys well-formed)
   * and the decision is taken from an unvalidated run with the full context.
   */
  unvalidatedKeys?: string[];
}

export interface SimulateResult {
  decision: Decision;
  /** Sids of the statements that decided it (denies when denied, allows when allowed). */
  deciding: string[];
  raw: unknown;
}

function named(p: PolicyDocument | { name: string; policy: unknown } | object, fallback: string): { name: string; policy: unknown } {
  if ('name' in p && 'policy' in p) return p as { name: string; policy: unknown };
  return { name: fallback, policy: p };
}

function accountOf(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts.length >= 5 && /^\d{12}$/.test(parts[4]) ? parts[4] : undefined;
}

/**
 * runUnsafeSimulation loads the resource policy without the name its engine reads back; hand it over in the plain
 * "validated policy" shape (a documented plain-value interface of @cloud-copilot/iam-policy) that carries one.
 */
function unsafe(simulation: Simulation): Simulation {
  if (!simulation.resourcePolicy) return simulation;
  return { ...simulation, resourcePolicy: { __validated: true, policyDocument: simulation.resourcePolicy, metadata: { name: 'resource-policy' }, errors: [] } };
}

/** Texts go through JSON.parse so that what iam-simulate sees is exactly what Terraform would receive. */
export function parsePolicy(json: string): PolicyDocument {
  return JSON.parse(json) as PolicyDocument;
}

export async function simulate(input: SimulateInput): Promise<SimulateResult> {
  const resourcePolicy = input.trustPolicy ?? input.resourcePolicy;
  if (input.trustPolicy && input.resourcePolicy) throw new Error('give a trustPolicy or a resourcePolicy, not both');
  const resourceAccount = input.resourceAccount ?? accountOf(input.resource);
  if (!resourceAccount) throw new Error(`cannot tell the resource account of ${input.resource}: pass resourceAccount`);

  const simulation: Simulation = {
    request: {
      principal: input.principal,
      action: input.action,
      resource: { resource: input.resource, accountId: resourceAccount },
      contextVariables: input.context ?? {},
    },
    identityPolicies: (input.identityPolicies ?? []).map((p, i) => named(p, `identity-${i}`)),
    serviceControlPolicies: (input.scps ?? []).map((level) => ({
      orgIdentifier: level.id,
      policies: level.policies.map((p, i) => named(p, `${level.id}-scp-${i}`)),
    })),
    resourceControlPolicies: (input.rcps ?? []).map((level) => ({
      orgIdentifier: level.id,
      policies: level.policies.map((p, i) => named(p, `${level.id}-rcp-${i}`)),
    })),
    resourcePolicy: resourcePolicy,
  };
  if (input.unvalidatedKeys && input.unvalidatedKeys.length > 0) {
    const drop = new Set(input.unvalidatedKeys.map((k) => k.toLowerCase()));
    const rest = Object.fromEntries(Object.entries(input.context ?? {}).filter(([k]) => !drop.has(k.toLowerCase())));
    await simulate({ ...input, context: rest, unvalidatedKeys: undefined });
    const decision = runUnsafeSimulation(unsafe(simulation), { simulationMode: 'Strict' }) as Decision;
    return { decision, deciding: [], raw: decision };
  }
  if (input.unvalidatedResource) {
    const decision = runUnsafeSimulation(unsafe(simulation), { simulationMode: 'Strict' }) as Decision;
    return { decision, deciding: [], raw: decision };
  }
  const response = await runSimulation(simulation, { simulationMode: 'Strict' });
  if (response.resultType === 'error') {
    throw new Error(`iam-simulate rejected the simulation of ${input.action} on ${input.resource}: ${JSON.stringify(response.errors)}`);
  }
  if (response.resultType !== 'single') {
    throw new Error(`expected a single-resource simulation for ${input.resource}; use a concrete ARN, not a wildcard`);
  }
  const ignored = (response.result.ignoredContextKeys ?? []).filter((k) => !(input.allowIgnoredKeys ?? []).includes(k));
  if (ignored.length > 0) {
    throw new Error(`iam-simulate ignored context keys ${ignored.join(', ')} for ${input.action}: the proof would not test them`);
  }
  const analysis = response.result.analysis as unknown as Record<string, any>;
  const decision = response.overallResult as Decision;
  const deciding: string[] = [];
  const collect = (statements: any[] | undefined) => {
    for (const s of statements ?? []) {
      const sid = s?.statement?.sid?.() ?? s?.explain?.identifier;
      if (sid) deciding.push(String(sid));
    }
  };
  const kind = decision === 'ExplicitlyDenied' ? 'denyStatements' : 'allowStatements';
  collect(analysis.identityAnalysis?.[kind]);
  collect(analysis.resourceAnalysis?.[kind]);
  for (const ou of analysis.scpAnalysis?.ouAnalysis ?? []) collect(ou[kind]);
  return { decision, deciding: [...new Set(deciding)], raw: response };
}

/** SCP levels for an account: root (FullAWSAccess + what is attached there), each OU on the path, the account. */
export function orgLevels(path: Array<{ id: string; extra?: PolicyDocument[] }>): ScpLevel[] {
  return path.map((p) => ({
    id: p.id,
    policies: [{ name: `${p.id}-FullAWSAccess`, policy: FULL_AWS_ACCESS }, ...(p.extra ?? []).map((policy, i) => ({ name: `${p.id}-${i}`, policy }))],
  }));
}

/** Keys present in every request, whoever makes it (request properties, not source facts). */
const ALWAYS_SENT = ['aws:SecureTransport'];

/**
 * A service's request, built from the service-integration facts (policies/service-integrations.json): the principal
 * is the integration's, and every context key must be one the integration lists as sent. A test cannot invent a key.
 */
export function serviceRequest(
  id: IntegrationId,
  context: Record<string, string | string[]>,
  region?: string,
): Pick<SimulateInput, 'principal' | 'context' | 'identityPolicies'> {
  const facts = integration(id);
  const invented = Object.keys(context).filter(
    (k) => !ALWAYS_SENT.includes(k) && !facts.sendsConditionKeys.some((s) => s.toLowerCase() === k.toLowerCase()),
  );
  if (invented.length > 0) throw new Error(`${id}: ${facts.principal} does not send ${invented.join(', ')} (${facts.source})`);
  return { principal: principalOf(id, region), identityPolicies: [], context: { 'aws:SecureTransport': 'true', ...context } };
}

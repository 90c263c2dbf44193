/**
 * What each AWS service that writes into the alarm pipeline really sends, as data (`service-integrations.json`, each
 * entry with the AWS page that says so). The policy builders ask this module which confused-deputy conditions they may
 * use; the policy tests build their request contexts from it. A condition on a key the service never sends never
 * matches: the write is refused and the pager goes quiet, so no builder may use one.
 */
import type { ConditionBlock } from './document';
import facts from './service-integrations.json';

export type WritesTo = 'kms' | 'sns' | 'sqs' | 's3' | 'logs' | 'events';

export interface ServiceIntegration {
  id: string;
  /** Service principal; `{region}` stands for the region of a regional principal (logs.<region>.amazonaws.com). */
  principal: string;
  writesTo: WritesTo;
  /** The service whose call carries the request (sns for the KMS call SNS makes for EventBridge; sts for a role session). */
  via?: string;
  actions: string[];
  sendsConditionKeys: string[];
  notSent: string[];
  source: string;
  note: string;
}

export const SERVICE_INTEGRATIONS: readonly ServiceIntegration[] = facts.integrations as ServiceIntegration[];

export type IntegrationId = (typeof facts.integrations)[number]['id'];

export function integration(id: IntegrationId): ServiceIntegration {
  const found = SERVICE_INTEGRATIONS.find((i) => i.id === id);
  if (!found) throw new Error(`unknown service integration ${id}`);
  return found;
}

/** The service principal of an integration, with the region filled in for a regional principal. */
export function principalOf(id: IntegrationId, region?: string): string {
  const p = integration(id).principal;
  if (!p.includes('{region}')) return p;
  if (!region) throw new Error(`integration ${id} has a regional principal: give the region`);
  return p.replace('{region}', region);
}

export function sends(id: IntegrationId, key: string): boolean {
  return integration(id).sendsConditionKeys.some((k) => k.toLowerCase() === key.toLowerCase());
}

/**
 * Confused-deputy conditions for a service's request, limited to the keys the service sends: the account the request
 * must be made for, and the ARNs of the resources (alarms, rules, trail) allowed to cause it. Undefined when the
 * service sends neither key: the statement then relies on its resource policy's other limits.
 */
export function sourceConditions(id: IntegrationId, source: { account?: string; arns?: string[] }): ConditionBlock | undefined {
  const block: ConditionBlock = {};
  if (source.account && sends(id, 'aws:SourceAccount')) block.StringEquals = { 'aws:SourceAccount': source.account };
  if (source.arns && source.arns.length > 0 && sends(id, 'aws:SourceArn')) {
    block.ArnLike = { 'aws:SourceArn': source.arns.length === 1 ? source.arns[0] : [...source.arns].sort() };
  }
  return Object.keys(block).length ? block : undefined;
}

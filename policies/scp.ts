/** Service control policies. Pure functions of the model, so they are evaluated in tests without synthesis. */
import type { Model } from '../config/model';
import { policy, PolicyDocument, policyJson, Statement } from './document';
import { protectionStatements } from './protection-scp';
import { rootUserArn } from '../config/arn';
import { assumeRootLimitStatements } from './assume-root-scp';
// Accounts created in the same run are Terraform references here: sizes are measured as AWS will see them.
import { lengthOnceResolved } from '../config/model-created';

export const SCP_MAX_CHARS = 5120;
/** Organizations allows 5 SCPs per target; FullAWSAccess (or the organization's own allow-list) takes one. */
export const SCPS_PER_TARGET_LIMIT = 5;

/**
 * Member-account root users may do nothing, except inside a privileged sts:AssumeRoot task session (aws:AssumedRoot
 * is present only there), which is scoped by its AWS-managed task policy.
 */
export function rootDenyScp(): PolicyDocument {
  return policy({
    Sid: 'DenyRootUserOutsideAssumeRootTaskSessions',
    Effect: 'Deny',
    Action: '*',
    Resource: '*',
    Condition: {
      ArnLike: { 'aws:PrincipalArn': rootUserArn('*') },
      Null: { 'aws:AssumedRoot': 'true' },
    },
  });
}

/**
 * Attackers blind the alarms first: only the deployment role may change what watches the root user. The statements are
 * generated (policies/protection-scp.ts) and packed, in order, into as few SCPs as the size limit allows.
 */
export function monitoringProtectionScps(model: Model): PolicyDocument[] {
  const docs: Statement[][] = [];
  const fits = (statements: Statement[]) => lengthOnceResolved(policyJson(policy(...statements))) <= SCP_MAX_CHARS;
  for (const statement of protectionStatements(model).flatMap(splitToFit)) {
    const last = docs[docs.length - 1];
    if (last && fits([...last, statement])) last.push(statement);
    else docs.push([statement]);
  }
  return docs.map((statements) => policy(...statements));
}

/** A statement too large for one SCP on its own is split by its actions (Sid suffixes A, B, ...). */
function splitToFit(statement: Statement): Statement[] {
  const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action!];
  if (lengthOnceResolved(policyJson(policy(statement))) <= SCP_MAX_CHARS || actions.length < 2) return [statement];
  const half = Math.ceil(actions.length / 2);
  return [
    ...splitToFit({ ...statement, Sid: `${statement.Sid}A`, Action: actions.slice(0, half) }),
    ...splitToFit({ ...statement, Sid: `${statement.Sid}B`, Action: actions.slice(half) }),
  ];
}

export interface ScpSpec {
  /** root_deny, monitoring_protection_1, monitoring_protection_2, ... (logical ids and outputs). */
  key: string;
  name: string;
  description: string;
  document: PolicyDocument;
  json: string;
  targets: Model['ous'];
}

export class PolicyLimitError extends Error {}

/** Every SCP with its guards applied: measured, minified size and the per-target count. */
export function scpSpecs(model: Model): ScpSpec[] {
  const protection = monitoringProtectionScps(model);
  const mp = model.scps.monitoringProtection;
  const specs: ScpSpec[] = [
    { key: 'root_deny', ...model.scps.rootDeny, document: policy(...rootDenyScp().Statement, ...assumeRootLimitStatements(model)), json: '' },
    ...protection.map((document, i) => ({
      key: `monitoring_protection_${i + 1}`,
      name: `${mp.name}-${i + 1}`,
      description: `${mp.description} Part ${i + 1} of ${protection.length}.`.slice(0, 512),
      targets: mp.targets,
      document,
      json: '',
    })),
  ];
  for (const spec of specs) {
    spec.json = policyJson(spec.document);
    if (lengthOnceResolved(spec.json) > SCP_MAX_CHARS) {
      throw new PolicyLimitError(
        `SCP ${spec.name} is ${spec.json.length} characters minified, over the Organizations limit of ${SCP_MAX_CHARS}: shorten a name in the configuration (breakGlass.roleName, alerts.topicName) or split the policy`,
      );
    }
  }
  for (const ou of model.ous) {
    const count = 1 + specs.filter((s) => s.targets.includes(ou)).length;
    if (count > SCPS_PER_TARGET_LIMIT) {
      throw new PolicyLimitError(
        `OU ${ou.name} would carry ${count} SCPs (FullAWSAccess, ${specs.filter((s) => s.targets.includes(ou)).map((s) => s.name).join(', ')}), over the Organizations limit of ${SCPS_PER_TARGET_LIMIT}: the monitoring protection no longer fits in ${SCPS_PER_TARGET_LIMIT - 2} SCPs; shorten role and topic names in the configuration`,
      );
    }
  }
  return specs;
}

/**
 * The organization policies a synthesized management stack attaches, read generically from its cdk.tf.json: every
 * `aws_organizations_policy` (SCPs and RCPs alike, whoever added them) and every `aws_organizations_policy_attachment`,
 * on the tree the same file describes (OUs' parent_id, accounts' parent_id, the import ids of adopted accounts).
 * Levels come out as Organizations evaluates them: root first, the account last; SCP levels hold the AWS-managed
 * FullAWSAccess that Organizations attaches everywhere (iam-simulate models RCPFullAWSAccess itself).
 */
import { FULL_AWS_ACCESS, ScpLevel } from './iam';

type Resource = Record<string, any>;
export interface ManagementStack {
  resource: Record<string, Record<string, Resource>>;
  import?: Array<{ to: string; id: string }>;
}

export type PolicyType = 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY';

/** `${aws_x.name.id}` -> `aws_x.name`; a literal id stays as it is. */
const refOf = (value: string) => /^\$\{([\w]+\.[\w]+)\.id\}$/.exec(value)?.[1] ?? value;

export function policyTypes(stack: ManagementStack): PolicyType[] {
  return [...new Set(Object.values(stack.resource.aws_organizations_policy ?? {}).map((p) => (p.type ?? 'SERVICE_CONTROL_POLICY') as PolicyType))];
}

/** The levels from the root down to `accountId` with the policies of `type` attached at each; [] for an unknown account. */
export function policyLevels(stack: ManagementStack, accountId: string, type: PolicyType): ScpLevel[] {
  const r = stack.resource;
  const accountRef = (stack.import ?? []).find((i) => i.id === accountId && i.to.startsWith('aws_organizations_account.'))?.to;
  if (!accountRef) return [];
  const path: string[] = [accountRef];
  let parent: string | undefined = refOf(r.aws_organizations_account[accountRef.split('.')[1]].parent_id);
  while (parent) {
    path.unshift(parent);
    const ou: Resource | undefined = parent.startsWith('aws_organizations_organizational_unit.') ? r.aws_organizations_organizational_unit[parent.split('.')[1]] : undefined;
    // An adopted OU (a literal id) and the root end the walk: what is above an adopted OU is not in the configuration.
    parent = ou ? refOf(ou.parent_id) : parent === 'root' || parent.startsWith('r-') ? undefined : 'root';
  }
  if (path[0] !== 'root' && !path[0].startsWith('r-')) path.unshift('root');
  const isRoot = (ref: string) => ref === 'root' || ref.startsWith('r-') || /roots/.test(ref);
  const policies = r.aws_organizations_policy ?? {};
  const levels = path.map((level) => {
    const attached = Object.values(r.aws_organizations_policy_attachment ?? {})
      .filter((a) => {
        const target = refOf(a.target_id);
        return target === level || (isRoot(level) && isRoot(target)) || (level === accountRef && target === accountId);
      })
      .map((a) => policies[refOf(a.policy_id).split('.')[1]])
      .filter((p) => p && (p.type ?? 'SERVICE_CONTROL_POLICY') === type);
    const own = attached.map((p) => ({ name: p.name as string, policy: JSON.parse(p.content as string) }));
    // iam-simulate models RCPFullAWSAccess itself and accepts only the attached (Deny) statements of an RCP.
    return { id: level, policies: type === 'SERVICE_CONTROL_POLICY' ? [{ name: `${level}-full-access`, policy: FULL_AWS_ACCESS }, ...own] : own };
  });
  return type === 'RESOURCE_CONTROL_POLICY' && levels.every((l) => l.policies.length === 0) ? [] : levels;
}

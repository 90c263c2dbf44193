/**
 * Contract names: what the synthesized Terraform writes and what the review, the audit and the drill recognize it by.
 * One module, so a name changed here changes on both sides in the same commit. Pure constants, no configuration.
 */

/** Every resource rootlock names itself starts with this (roles, rules, alarms, queues, SCPs, buckets). */
export const RESOURCE_PREFIX = 'rootlock-';

/** `rootlock-<what>`: the one place the prefix is applied. */
export function prefixed(what: string): string {
  return `${RESOURCE_PREFIX}${what}`;
}

/** Tag keys rootlock writes: default tags on every resource of a stack, and the purpose of special resources. */
export const TAGS = {
  managedBy: 'ManagedBy',
  stack: 'RootlockStack',
  purpose: 'RootlockPurpose',
  runbook: 'RootlockRunbook',
} as const;

/** The value of `TAGS.managedBy` on everything rootlock deploys. */
export const MANAGED_BY = 'rootlock';

/** Values of `TAGS.purpose`. */
export const PURPOSES = { breakGlass: 'break-glass' } as const;

/** What the SCP names say (the review recognizes an SCP by this part of its name, whatever the prefix). */
export const SCP_KINDS = { rootDeny: 'root-deny', monitoringProtection: 'monitoring-protection', rootCoverage: 'root-coverage' } as const;

/** Names of the SCPs rootlock attaches. */
export const SCP_NAMES = {
  rootDeny: prefixed(SCP_KINDS.rootDeny),
  monitoringProtection: prefixed(SCP_KINDS.monitoringProtection),
  /** At the organization root: root-deny and the LeaveOrganization deny for every member account wherever it sits. */
  rootCoverage: prefixed(SCP_KINDS.rootCoverage),
} as const;

/** CloudWatch namespace of every rootlock metric. */
export const METRIC_NAMESPACE = 'Rootlock';

/** The generated runbook files; links between them and from alarms and pages use these names. */
export const RUNBOOK_FILES = {
  index: 'README.md',
  breakGlass: 'break-glass.md',
  rootTasks: 'root-only-tasks.md',
  alarms: 'alarm-playbooks.md',
  afterUse: 'after-use.md',
  inventory: 'inventory.md',
  protection: 'monitoring-protection.md',
  audit: 'audit.md',
  drill: 'drill.md',
  compliance: 'compliance.md',
  quickCardResponder: 'quick-card-responder.md',
  quickCardApprover: 'quick-card-approver.md',
  quickCardCustodian: 'quick-card-custodian.md',
  badCases: 'bad-cases.md',
} as const;

/**
 * The `sts:SourceIdentity` every deploy session sets when it assumes the deployment role. A session of the deployment
 * role without it is not the deploy pipeline: the trust policy, the RCP and the tamper detections key on this value.
 */
export const DEPLOY_SOURCE_IDENTITY = prefixed('deploy');

/**
 * One role per job in every account, none exempt from the monitoring-protection SCPs: `plan` reads (PR plans, review,
 * plan-all), `audit` reads what the audit needs, `drill` does only what the drill does.
 */
export const JOB_ROLE_NAMES = {
  plan: prefixed('plan'),
  audit: prefixed('audit'),
  drill: prefixed('drill'),
} as const;

/**
 * Local Terraform state (`state: { backend: local }`) lives in this directory beside the output directory
 * (`cdktf.out/../terraform-state/<stack>.tfstate`), never inside it: synth replaces the output and cdktf's CLI deletes
 * the stack directories a selective synth did not produce, so state inside them would be lost.
 */
export const LOCAL_STATE_DIR = 'terraform-state';

/** The local backend's `path` of a stack, relative to its working directory `<outdir>/stacks/<stack>`. */
export function localStatePath(stack: string): string {
  return `../../../${LOCAL_STATE_DIR}/${stack}.tfstate`;
}

/** Console sign-in events are delivered to us-east-1 whatever the home region; so are IAM and global STS calls. */
export const GLOBAL_EVENTS_REGION = 'us-east-1';

/**
 * The job roles (rootlock-plan, rootlock-audit, rootlock-drill) change no protected resource. Two proofs:
 *   - against the IAM action catalogue: every action their policies grant, expanded, is a read, except the drill's
 *     declared list (its own temporary queue, its test events and log lines, its subscription);
 *   - against the IAM engine: every changing action the catalogue says reaches a protected resource (by ARN), asked by
 *     each job role with its own policy under the real SCPs in the account that holds it, is refused, except the
 *     drill's declared additions (which only add alerts) listed here with what they do.
 */
import { exampleModel } from './support/example';
import { parsePolicy, simulate } from './support/iam';
import { scpLevels } from './support/scp-levels';
import { scpSpecs } from '../policies/scp';
import { policyJson } from '../policies/document';
import { jobRolePolicy } from '../policies/job-roles';
import { JOBS, Job } from '../config/model-trust';
import { CATALOGUE, CATALOGUE_SERVICES, catalogueActions, changes } from '../policies/iam-catalogue';
import { actionsReaching } from '../policies/protection-scp';
import type { ProtectedResource } from '../config/model-protection';
import { iamRoleArn } from '../config/arn';

const model = exampleModel();
const specs = scpSpecs(model);
const ORG_ID = model.organization.existingOrganizationId!;
const REGION = model.organization.homeRegion;
const SECURITY = model.security;
const PAYMENTS = model.members.find((m) => m.name === 'payments-prod')!;
const policyOf = (job: Job) => parsePolicy(policyJson(jobRolePolicy(model, job)));
const globToRegExp = (glob: string) => new RegExp(`^${glob.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');

/** The changing actions each job may perform somewhere (catalogue services), by design. */
const DECLARED_CHANGES: Record<Job, string[]> = {
  plan: [],
  audit: [],
  drill: [
    'cloudwatch:SetAlarmState',
    'events:PutEvents',
    'guardduty:CreateSampleFindings',
    'logs:CreateLogStream',
    'logs:PutLogEvents',
    'sns:Subscribe',
    'sns:Unsubscribe',
    'sqs:CreateQueue',
    'sqs:DeleteMessage',
    'sqs:DeleteQueue',
    'sqs:SetQueueAttributes',
    'sqs:TagQueue',
  ],
};

function granted(job: Job): string[] {
  const patterns = policyOf(job)
    .Statement.filter((s) => s.Effect === 'Allow')
    .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action!]));
  const all = CATALOGUE_SERVICES.flatMap((service) => catalogueActions(service));
  return all.filter((a) => patterns.some((p) => globToRegExp(p).test(a.action))).map((a) => a.action);
}

describe('job roles against the IAM action catalogue', () => {
  it.each(JOBS)('%s: every granted action is a read, except its declared changes', (job) => {
    const changing = granted(job).filter((name) => changes({ accessLevel: CATALOGUE.services[name.split(':')[0]][name.split(':')[1]][0] }));
    expect(changing.sort()).toEqual([...DECLARED_CHANGES[job]].sort());
  });

  it.each(JOBS)('%s: of STS, only its own role elsewhere (never the deployment role) and, for the audit, root audit sessions', (job) => {
    const sts = policyOf(job).Statement.filter((s) => (Array.isArray(s.Action) ? s.Action : [s.Action!]).some((a) => a.startsWith('sts:')));
    for (const s of sts) {
      const actions = (Array.isArray(s.Action) ? s.Action : [s.Action!]).filter((a) => a.startsWith('sts:'));
      const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource!];
      if (actions.includes('sts:AssumeRole')) expect(resources).toEqual([model.trust.jobRoles[job].arnPattern]);
      if (actions.includes('sts:AssumeRoot')) expect(job).toBe('audit');
      if (actions.includes('sts:AssumeRole')) for (const r of resources) expect(globToRegExp(r).test(iamRoleArn(PAYMENTS.id, model.trust.deploymentRoleName))).toBe(false);
    }
  });
});

/** A concrete ARN of a protected pattern in `account`. */
function concrete(pattern: string, account: string): string {
  const parts = pattern.split(':');
  if (parts[3] === '*') parts[3] = REGION;
  if (parts[4] === '*') parts[4] = account;
  return parts.join(':').replace(/\*/g, 'sample0123');
}

/** The drill's changes that reach a protected resource under the SCPs: they only add (a subscription, log lines). */
const DRILL_REACHES: Record<string, string> = {
  'sns:Subscribe': 'adds its temporary queue to the alert or health topic: one more copy of each alert, none fewer',
  'logs:CreateLogStream': 'a new stream in the trail log group for the drill record: adds a line, hides none',
  'logs:PutLogEvents': 'the drill record itself, so the metric filters can be proven',
};

describe('job roles against the IAM engine, under the monitoring-protection SCPs', () => {
  const arnScoped = model.protection.resources.filter((r): r is ProtectedResource & { scope: { by: 'arn'; arns: string[] } } => r.scope.by === 'arn');

  it.each(JOBS)('%s: changes no protected resource (beyond the drill\'s declared additions)', async (job) => {
    const policy = policyOf(job);
    const allowed: string[] = [];
    let asked = 0;
    for (const r of arnScoped) {
      const accounts = r.holder === 'security' ? [SECURITY] : [SECURITY, PAYMENTS];
      for (const acct of accounts) {
        const arns = r.scope.arns.filter((a) => ['*', acct.id, ''].includes(a.split(':')[4])).map((a) => concrete(a, acct.id));
        for (const action of actionsReaching(r).map((a) => a.action)) {
          for (const resource of arns) {
            let decision;
            try {
              decision = (
                await simulate({
                  principal: `arn:aws:sts::${acct.id}:assumed-role/${model.trust.jobRoles[job].name}/ci`,
                  identityPolicies: [policy],
                  scps: scpLevels(model, specs, acct.id, acct.ou!),
                  action,
                  resource,
                  resourceAccount: acct.id,
                  context: { 'aws:PrincipalArn': iamRoleArn(acct.id, model.trust.jobRoles[job].name), 'aws:PrincipalAccount': acct.id, 'aws:PrincipalOrgID': ORG_ID, 'aws:SecureTransport': 'true' },
                })
              ).decision;
            } catch (e) {
              // An ARN of the protected set that is not of this action's resource type (the set names several types).
              if (/resource|Resource/.test(String(e))) continue;
              throw e;
            }
            asked++;
            if (decision === 'Allowed') allowed.push(`${action} ${resource}`);
          }
        }
      }
    }
    expect(asked).toBeGreaterThan(100);
    const unexpected = allowed.filter((a) => !(job === 'drill' && DRILL_REACHES[a.split(' ')[0]]));
    expect(unexpected).toEqual([]);
  });
});

describe("the drill's health alarm: the drill role may set exactly that alarm's state, and the SCPs still hold it", () => {
  const drill = model.health.drillAlarm;
  const ask = async (resource: string, scps: boolean) =>
    (
      await simulate({
        principal: `arn:aws:sts::${SECURITY.id}:assumed-role/${model.trust.jobRoles.drill.name}/ci`,
        identityPolicies: [policyOf('drill')],
        scps: scps ? scpLevels(model, specs, SECURITY.id, SECURITY.ou!) : undefined,
        action: 'cloudwatch:SetAlarmState',
        resource,
        resourceAccount: SECURITY.id,
        context: { 'aws:PrincipalArn': iamRoleArn(SECURITY.id, model.trust.jobRoles.drill.name), 'aws:PrincipalAccount': SECURITY.id, 'aws:PrincipalOrgID': ORG_ID, 'aws:SecureTransport': 'true' },
      })
    ).decision;
  const heartbeat = model.health.heartbeat.alarms[0];
  const alarmArnOf = (name: string) => drill.alarmArn.replace(drill.alarmName, name);

  it('its own policy allows SetAlarmState on the drill alarm only: never a heartbeat, root or watch alarm', async () => {
    expect(await ask(drill.alarmArn, false)).toBe('Allowed');
    for (const other of [heartbeat.alarmName, model.detections.find((d) => d.id === 'root-usage')!.metric!.alarmName, model.health.subscriptionDeadLetterQueue.alarmName]) {
      expect({ other, decision: await ask(alarmArnOf(other), false) }).toEqual({ other, decision: 'ImplicitlyDenied' });
    }
  });

  it('the monitoring-protection SCP still denies it (alarm:rootlock-*): the health path runs where the injection may run', async () => {
    expect(await ask(drill.alarmArn, true)).toBe('ExplicitlyDenied');
  });
});

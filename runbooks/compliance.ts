/**
 * compliance.md: for each CIS / Security Hub / Prowler control about the root user, the trail, its buckets and keys and
 * the alert topic: what satisfies it, where it is evaluated, the expected result, the known false failures and their
 * handling, each fact with its source. Pure function of the model.
 */
import type { Model } from '../config/model';
import { s3BucketArn } from '../config/arn';
import { detection, generatedNote, placeholderSection, playbookLink } from './common';
import { aws, bullets, code, document, fence, heading, link, prose, table } from '../render/markdown';
import { asBreakGlass, asDeployPrincipal, fenceAs } from './common-runs-as';
import { deploymentRoleSubshell } from './common-tasks';

const SH = 'https://docs.aws.amazon.com/securityhub/latest/userguide';
export const SOURCES = {
  cloudWatch1: `${SH}/cloudwatch-controls.html#cloudwatch-1`,
  cloudWatch7: `${SH}/cloudwatch-controls.html#cloudwatch-7`,
  cloudWatch15: `${SH}/cloudwatch-controls.html#cloudwatch-15`,
  cloudWatch16: `${SH}/cloudwatch-controls.html#cloudwatch-16`,
  cloudTrail2: `${SH}/cloudtrail-controls.html#cloudtrail-2`,
  cloudTrail4: `${SH}/cloudtrail-controls.html#cloudtrail-4`,
  cloudTrail5: `${SH}/cloudtrail-controls.html#cloudtrail-5`,
  cloudTrail7: `${SH}/cloudtrail-controls.html#cloudtrail-7`,
  s3Controls9: `${SH}/s3-controls.html#s3-9`,
  s3Controls15: `${SH}/s3-controls.html#s3-15`,
  s3Controls17: `${SH}/s3-controls.html#s3-17`,
  kms4: `${SH}/kms-controls.html#kms-4`,
  iam4: `${SH}/iam-controls.html#iam-4`,
  iam6: `${SH}/iam-controls.html#iam-6`,
  iam9: `${SH}/iam-controls.html#iam-9`,
  centralRoot: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#id_root-user-access-management',
  automationRules: `${SH}/automation-rules.html`,
  cis: 'https://www.cisecurity.org/benchmark/amazon_web_services',
  prowlerRootUsage:
    'https://github.com/prowler-cloud/prowler/blob/master/prowler/providers/aws/services/cloudwatch/cloudwatch_log_metric_filter_root_usage/cloudwatch_log_metric_filter_root_usage.py',
  s3ObjectLock: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html',
  s3AccessLogging: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html',
  configObjectLock: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-config-deliverychannel.html',
  configKms: 'https://docs.aws.amazon.com/config/latest/developerguide/s3-kms-key-policy.html',
} as const;

interface Control {
  id: string;
  concerns: 'root user' | 'trail' | 'trail bucket' | 'buckets' | 'keys' | 'alarms and topic';
  checks: string;
  satisfiedBy: string[];
  evaluatedIn: string;
  expected: string;
  falseFailures: string;
  sources: Array<[string, string]>;
}

const arnOfBucket = s3BucketArn;

function controls(model: Model): Control[] {
  const p = model.pipeline;
  const c = model.compliance;
  const sec = `security account ${code(model.security.id)}`;
  const mgmt = `management account ${code(model.management.id)}`;
  const cis = detection(model, 'cis-root-usage')!;
  const kms = detection(model, 'kms-key-disabled')!;
  const lock = c.trailObjectLock;
  const buckets = [p.trailBucketName, ...(model.monitoring.config ? [p.configBucketName] : []), c.accessLogBucketName].map(code).join(', ');
  const keys = [p.trailKeyAlias, p.alertsKeyAlias, ...(model.monitoring.config ? [c.configKeyAlias] : [])].map(code).join(', ');
  const subscribers = c.subscriptions.length
    ? `${c.subscriptions.map((s) => code(s.endpoint)).join(', ')}${c.subscriptionsFromAlerts ? ' (the alert e-mail addresses: set compliance.emails for a separate mailbox)' : ''}`
    : '**none** (no e-mail address configured): the check fails until compliance.emails is set';
  const orgTrailNote =
    'Security Hub: "it looks for CloudTrail trails that the current account uses. These trails might be organization trails that belong to another account."';
  return [
    {
      id: 'CIS 4.3 (v3.0) / Security Hub CloudWatch.1',
      concerns: 'root user',
      checks: `A multi-Region trail logging to CloudWatch Logs with a metric filter of exactly ${code(cis.metric!.pattern)}, an alarm on its metric with an SNS action, and a subscriber on that topic. Security Hub fails the control when additional fields or terms are added to the pattern.`,
      satisfiedBy: [
        `Metric filter ${code(cis.metric!.filterName)} (the exact string) on ${code(p.logGroupName)}, fed by the organization trail ${code(p.trailArn)}.`,
        `Alarm ${code(cis.metric!.alarmName)} notifying the compliance topic ${code(c.topicArn)}, subscribers: ${subscribers}. E-mail subscriptions count only once confirmed.`,
        `It never pages on its own: every event it counts also fires ${playbookLink(model, detection(model, 'root-usage')!)} or ${playbookLink(model, detection(model, 'root-task-session')!)}, which page (proven with the CloudWatch Logs filter syntax in the test suite).`,
      ],
      evaluatedIn: `Every account where Security Hub runs. ${orgTrailNote} The log group, filter, alarm and topic exist only in the ${sec}.`,
      expected: `PASSED in the ${sec}. FAILED in the ${mgmt} (owner of the organization trail) and in every other member account.`,
      falseFailures: `The FAILED findings outside the ${sec} are the known false failures: the root user of those accounts is watched by the organization trail and the alarms in the ${sec}. Handling: the Security Hub automation rule "rootlock CloudWatch.1 outside the security account" below.`,
      sources: [
        ['Security Hub CloudWatch.1', SOURCES.cloudWatch1],
        ['CIS AWS Foundations Benchmark', SOURCES.cis],
      ],
    },
    {
      id: 'Prowler cloudwatch_log_metric_filter_root_usage',
      concerns: 'root user',
      checks: `A regular expression over the metric filters of the trail's log group (${code('\\$\\.userIdentity\\.type\\s*=\\s*.?Root.+\\$\\.userIdentity\\.invokedBy NOT EXISTS.+\\$\\.eventType\\s*!=\\s*.?AwsServiceEvent.?')}) and an alarm on the filter's metric.`,
      satisfiedBy: [`The metric filter ${code(cis.metric!.filterName)} and the alarm ${code(cis.metric!.alarmName)} on its metric; the regular expression also matches the paging filter ${code(detection(model, 'root-usage')!.metric!.filterName)}.`],
      evaluatedIn: 'The account Prowler scans: it reads the log groups and metric filters of that account.',
      expected: `PASS when Prowler scans the ${sec}; FAIL in every other account.`,
      falseFailures: `FAIL outside the ${sec}, for the reason above. Handling: scan the ${sec} for this check, or mute it in the other accounts with a Prowler mutelist entry naming this document.`,
      sources: [['Prowler check source', SOURCES.prowlerRootUsage]],
    },
    {
      id: 'CIS 4.7 (v3.0) / Security Hub CloudWatch.7',
      concerns: 'keys',
      checks: 'A metric filter and alarm for disabling or scheduled deletion of customer managed keys, with the CIS pattern.',
      satisfiedBy: [
        `${playbookLink(model, kms)}: metric filter and alarm ${code(kms.metric!.alarmName)} and the EventBridge rule ${code(kms.event!.ruleName)} (the rule still fires when a disabled trail key has stopped log delivery). They watch the ${sec}, where every rootlock key lives: ${keys}.`,
      ],
      evaluatedIn: `Every account where Security Hub runs; ${orgTrailNote}`,
      expected: 'FAILED: rootlock does not claim this control. Its filter is narrowed to the security account, so it is not the CIS pattern.',
      falseFailures: 'Not a false failure. An organization that claims CloudWatch.7 adds the CIS pattern for all its keys.',
      sources: [['Security Hub CloudWatch.7', SOURCES.cloudWatch7]],
    },
    {
      id: 'Security Hub CloudWatch.15',
      concerns: 'alarms and topic',
      checks: 'Each CloudWatch alarm has an action for the ALARM state.',
      satisfiedBy: [`Every rootlock alarm notifies ${code(p.topicArn)} (pages) or, for ${code(cis.metric!.alarmName)}, ${code(c.topicArn)}.`],
      evaluatedIn: `The account of each alarm: the ${sec}.`,
      expected: 'PASSED.',
      falseFailures: 'None known.',
      sources: [['Security Hub CloudWatch.15', SOURCES.cloudWatch15]],
    },
    {
      id: 'Security Hub CloudWatch.16',
      concerns: 'trail',
      checks: 'CloudWatch log groups are retained for at least one year (365 days).',
      satisfiedBy: [`${code(p.logGroupName)} keeps events ${p.logRetentionDays} days (logging.retentionDays).`],
      evaluatedIn: `The account of the log group: the ${sec}.`,
      expected: p.logRetentionDays >= 365 ? 'PASSED.' : `FAILED: logging.retentionDays is ${p.logRetentionDays}; set 365 or more.`,
      falseFailures: 'None known.',
      sources: [['Security Hub CloudWatch.16', SOURCES.cloudWatch16]],
    },
    {
      id: 'Security Hub CloudTrail.2, CloudTrail.4, CloudTrail.5',
      concerns: 'trail',
      checks: 'The trail is encrypted with KMS (CloudTrail.2), validates its log files (CloudTrail.4) and delivers to CloudWatch Logs (CloudTrail.5).',
      satisfiedBy: [`The organization trail ${code(p.trailArn)}: key ${code(p.trailKeyAlias)}, log file validation on, log group ${code(p.logGroupName)}.`],
      evaluatedIn: `The trail owner's account: the ${mgmt} (its ARN names it), although the ${sec} created it as delegated administrator.`,
      expected: 'PASSED.',
      falseFailures: 'None known.',
      sources: [
        ['Security Hub CloudTrail.2', SOURCES.cloudTrail2],
        ['Security Hub CloudTrail.4', SOURCES.cloudTrail4],
        ['Security Hub CloudTrail.5', SOURCES.cloudTrail5],
      ],
    },
    {
      id: 'CIS 3.x (S3 bucket access logging on the CloudTrail bucket) / Security Hub CloudTrail.7',
      concerns: 'trail bucket',
      checks: 'Server access logging is enabled on the bucket the trail delivers to.',
      satisfiedBy: [`${code(p.trailBucketName)} logs to ${code(c.accessLogBucketName)} (a separate bucket only S3 log delivery can write to).`],
      evaluatedIn: `The trail owner's account, the ${mgmt}; the bucket itself is in the ${sec}.`,
      expected: 'PASSED.',
      falseFailures: 'None known.',
      sources: [
        ['Security Hub CloudTrail.7', SOURCES.cloudTrail7],
        ['S3 server access logging', SOURCES.s3AccessLogging],
      ],
    },
    {
      id: 'Security Hub S3.9',
      concerns: 'buckets',
      checks: 'Server access logging is enabled on each general purpose bucket.',
      satisfiedBy: [`${code(p.trailBucketName)}${model.monitoring.config ? ` and ${code(p.configBucketName)}` : ''} log to ${code(c.accessLogBucketName)}.`],
      evaluatedIn: `The account of each bucket: the ${sec}. Buckets: ${buckets}.`,
      expected: `PASSED for the trail${model.monitoring.config ? ' and Config buckets' : ' bucket'}; FAILED for ${code(c.accessLogBucketName)}.`,
      falseFailures: `${code(c.accessLogBucketName)} is the log destination; logging it into itself would log its own deliveries. Handling: the automation rule "rootlock bucket exceptions" below.`,
      sources: [['Security Hub S3.9', SOURCES.s3Controls9]],
    },
    {
      id: 'Security Hub S3.15',
      concerns: 'buckets',
      checks: 'Object Lock is enabled on each general purpose bucket.',
      satisfiedBy: [
        lock.enabled
          ? `${code(p.trailBucketName)}: Object Lock, ${lock.mode} mode, default retention ${lock.retentionDays} days (logging.retentionDays).`
          : `${code(p.trailBucketName)}: **Object Lock off** (compliance.trailObjectLock), reason: ${prose(lock.reason)}`,
      ],
      evaluatedIn: `The account of each bucket: the ${sec}.`,
      expected: `${lock.enabled ? 'PASSED' : 'FAILED (the opt-out above)'} for the trail bucket; FAILED for ${model.monitoring.config ? `${code(p.configBucketName)} and ` : ''}${code(c.accessLogBucketName)}.`,
      falseFailures: `${model.monitoring.config ? 'AWS Config does not deliver to a bucket with Object Lock; ' : ''}a bucket with Object Lock cannot be a server access log destination. Handling: the automation rule "rootlock bucket exceptions" below.`,
      sources: [
        ['Security Hub S3.15', SOURCES.s3Controls15],
        ['S3 Object Lock', SOURCES.s3ObjectLock],
        ...(model.monitoring.config ? ([['AWS Config delivery channel', SOURCES.configObjectLock]] as Array<[string, string]>) : []),
      ],
    },
    {
      id: 'Security Hub S3.17',
      concerns: 'buckets',
      checks: 'Each general purpose bucket is encrypted at rest with AWS KMS keys.',
      satisfiedBy: [
        `${code(p.trailBucketName)} with ${code(p.trailKeyAlias)}${model.monitoring.config ? `; ${code(p.configBucketName)} with ${code(c.configKeyAlias)}, whose policy lets the recorder roles ${code(p.configRoleName)} of the organization encrypt through S3 only` : ''}.`,
      ],
      evaluatedIn: `The account of each bucket: the ${sec}.`,
      expected: `PASSED for the trail${model.monitoring.config ? ' and Config buckets' : ' bucket'}; FAILED for ${code(c.accessLogBucketName)} (SSE-S3).`,
      falseFailures: `S3 server access log delivery supports only SSE-S3 on the destination bucket. Handling: the automation rule "rootlock bucket exceptions" below.`,
      sources: [
        ['Security Hub S3.17', SOURCES.s3Controls17],
        ['S3 server access logging', SOURCES.s3AccessLogging],
        ...(model.monitoring.config ? ([['AWS Config KMS key permissions', SOURCES.configKms]] as Array<[string, string]>) : []),
      ],
    },
    {
      id: 'Security Hub KMS.4',
      concerns: 'keys',
      checks: 'Automatic rotation is enabled for each customer managed key.',
      satisfiedBy: [`${keys}: rotation on, 30-day deletion window.`],
      evaluatedIn: `The account of each key: the ${sec}.`,
      expected: 'PASSED.',
      falseFailures: 'None known.',
      sources: [['Security Hub KMS.4', SOURCES.kms4]],
    },
    {
      id: 'Security Hub IAM.4',
      concerns: 'root user',
      checks: 'The root user has no access key.',
      satisfiedBy: [
        `The root-deny SCP ${code(model.scps.rootDeny.name)} and centralized root access management (member root credentials deleted with an IAMDeleteRootUserCredentials task session).`,
        ...(model.monitoring.config ? [`Watched by ${playbookLink(model, detection(model, 'config-root-rule-noncompliant')!)}.`] : []),
      ],
      evaluatedIn: 'Every account where Security Hub runs.',
      expected: 'PASSED in every account without a root access key.',
      falseFailures: 'None known.',
      sources: [['Security Hub IAM.4', SOURCES.iam4]],
    },
    {
      id: 'CIS AWS Foundations v7.0.0 2.1 (centralized root access for member accounts)',
      concerns: 'root user',
      checks: 'Centralized root access is enabled (RootCredentialsManagement and RootSessions) and member accounts hold no root credentials.',
      satisfiedBy: [
        `The management stack enables ${model.organization.rootFeatures.map(code).join(' and ')} with trusted access for ${code('iam.amazonaws.com')}; ${code('npm run root-credentials')} finds (exit 2) and deletes (${code('--delete --yes')}) the root credentials left in member accounts, and the audit checks them.`,
        `Root handed back pages: ${['member-root-email-changed', 'root-password-recovery-session'].map((id) => playbookLink(model, detection(model, id)!)).join(', ')}.`,
      ],
      evaluatedIn: `The ${mgmt} (the features) and every member account (its root credentials).`,
      expected: 'PASSED once every member account is clean (`npm run root-credentials` exits 0).',
      falseFailures: 'None known.',
      sources: [['CIS AWS Foundations Benchmark', SOURCES.cis], ['Centralized root access', SOURCES.centralRoot]],
    },
    {
      id: 'Security Hub IAM.6, IAM.9 (root MFA) in member accounts',
      concerns: 'root user',
      checks: 'The root user has (hardware) MFA.',
      satisfiedBy: [`Member accounts: no root credentials at all (centralized root access; ${code('npm run root-credentials')} exits 0). The ${mgmt}: its root MFA device in custody.`],
      evaluatedIn: 'Every account where Security Hub runs.',
      expected: `NOT_APPLICABLE in a member account whose root user has no credentials (Security Hub, and Prowler's root MFA checks, skip it); PASSED in the ${mgmt}.`,
      falseFailures: 'A member account FAILED here has root credentials back: delete them (`npm run root-credentials -- --accounts <id> --delete --yes`).',
      sources: [['Security Hub IAM.6', SOURCES.iam6], ['Security Hub IAM.9', SOURCES.iam9], ['Prowler (checks skip member accounts under centralized root access)', 'https://github.com/prowler-cloud/prowler/pull/5801']],
    },
  ];
}

function suppressionCommand(model: Model, name: string, description: string, order: number, criteria: Record<string, unknown>, note: string): string {
  const actions = [{ Type: 'FINDING_FIELDS_UPDATE', FindingFieldsUpdate: { Workflow: { Status: 'SUPPRESSED' }, Note: { Text: note, UpdatedBy: 'rootlock' } } }];
  return aws('securityhub', 'create-automation-rule', [
    ['--region', model.organization.homeRegion],
    ['--rule-name', name],
    ['--rule-order', String(order)],
    ['--rule-status', 'ENABLED'],
    ['--description', description],
    ['--criteria', JSON.stringify(criteria)],
    ['--actions', JSON.stringify(actions)],
  ]);
}

function automationRules(model: Model): string {
  const p = model.pipeline;
  const c = model.compliance;
  const sec = model.security.id;
  const eq = (value: string) => ({ Value: value, Comparison: 'EQUALS' });
  const bucketIds = (names: string[]) => names.map((n) => eq(arnOfBucket(n)));
  const exceptions: Array<[string, string[]]> = [
    ['S3.9', [c.accessLogBucketName]],
    ['S3.15', [...(model.monitoring.config ? [p.configBucketName] : []), c.accessLogBucketName]],
    ['S3.17', [c.accessLogBucketName]],
  ];
  return [
    heading(2, 'Security Hub automation rules for the known false failures'),
    `Run these in the Security Hub delegated administrator account, home region ${code(model.organization.homeRegion)}. Automation rules can only be created there; they suppress the findings with a note that names this document, so an auditor sees why. Source: ${link(
      'Security Hub automation rules',
      SOURCES.automationRules,
    )}.`,
    fenceAs(asBreakGlass(model.security, 'the Security Hub delegated administrator account (here the security account): your administrator role there, or its break-glass role'), [
      suppressionCommand(
        model,
        'rootlock CloudWatch.1 outside the security account',
        `CloudWatch.1 is met in the security account ${sec}, where the organization trail's log group and alarms are.`,
        1,
        { ComplianceSecurityControlId: [eq('CloudWatch.1')], AwsAccountId: [{ Value: sec, Comparison: 'NOT_EQUALS' }] },
        `rootlock: the organization trail feeds the CIS 4.3 filter and alarm in the security account ${sec} (see compliance.md).`,
      ),
      ...exceptions.map(([control, names], i) =>
        suppressionCommand(
          model,
          `rootlock bucket exceptions ${control}`,
          `${control} cannot apply to these buckets; compliance.md says why.`,
          2 + i,
          { ComplianceSecurityControlId: [eq(control)], ResourceId: bucketIds(names) },
          `rootlock: ${control} cannot be met by this bucket by AWS design (see compliance.md).`,
        ),
      ),
    ]),
  ].join('\n\n');
}

function verifyCommands(model: Model): string {
  const p = model.pipeline;
  const c = model.compliance;
  const region = model.organization.homeRegion;
  const cis = detection(model, 'cis-root-usage')!;
  return [
    heading(2, 'Check it yourself'),
    `In the security account ${code(model.security.id)}: the exact filter, the alarm's action, the subscribers, and the trail bucket's logging and lock.`,
    fence([
      aws('logs', 'describe-metric-filters', [
        ['--region', region],
        ['--log-group-name', p.logGroupName],
        ['--filter-name-prefix', cis.metric!.filterName],
      ]),
      aws('cloudwatch', 'describe-alarms', [
        ['--region', region],
        ['--alarm-names', cis.metric!.alarmName],
        ['--query', 'MetricAlarms[].AlarmActions'],
      ]),
      aws('sns', 'list-subscriptions-by-topic', [
        ['--region', region],
        ['--topic-arn', c.topicArn],
      ]),
      aws('s3api', 'get-bucket-logging', [
        ['--region', region],
        ['--bucket', p.trailBucketName],
      ]),
      aws('s3api', 'get-object-lock-configuration', [
        ['--region', region],
        ['--bucket', p.trailBucketName],
      ]),
      ...(model.monitoring.config
        ? [
            aws('s3api', 'get-bucket-encryption', [
              ['--region', region],
              ['--bucket', p.configBucketName],
            ]),
          ]
        : []),
    ]),
  ].join('\n\n');
}

function objectLockMigration(model: Model): string {
  const p = model.pipeline;
  const lock = model.compliance.trailObjectLock;
  if (!lock.enabled) return '';
  const configuration = { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: lock.mode, Days: lock.retentionDays } } };
  return [
    heading(2, 'Object Lock on a trail bucket that already exists'),
    `Terraform's ${code('object_lock_enabled')} forces a new bucket, and a bucket holding logs cannot be replaced. S3 can enable Object Lock on an existing versioned bucket (${link(
      'S3 Object Lock',
      SOURCES.s3ObjectLock,
    )}); enable it there first, once, with the deploy pipeline's own credentials (the trail bucket's resource control policy lets only a deploy session, the deployment role with source identity ${code(model.trust.deploySourceIdentity)}, change its Object Lock), then plan the security stack and deploy only once the plan no longer replaces the bucket. Or turn it off with compliance.trailObjectLock (enabled: false and a reason).`,
    fenceAs(
      asDeployPrincipal(model),
      deploymentRoleSubshell(model, model.security, 'enable-trail-object-lock', [
        aws('s3api', 'put-object-lock-configuration', [
          ['--region', model.organization.homeRegion],
          ['--bucket', p.trailBucketName],
          ['--object-lock-configuration', JSON.stringify(configuration)],
        ]),
      ], { sourceIdentity: model.trust.deploySourceIdentity }),
    ),
  ].join('\n\n');
}

export function renderComplianceMap(model: Model): string {
  const all = controls(model);
  const body = document([
    heading(2, 'Controls at a glance'),
    table(
      ['Control', 'Concerns', 'Expected result'],
      all.map((c) => [c.id, c.concerns, c.expected]),
    ),
    ...all.flatMap((c) => [
      heading(2, c.id),
      table(
        ['What', 'Details'],
        [
          ['Checks', c.checks],
          ['Satisfied by', c.satisfiedBy.join(' ')],
          ['Evaluated in', c.evaluatedIn],
          ['Expected result', c.expected],
          ['Known false failures and handling', c.falseFailures],
        ],
      ),
      `Sources: ${c.sources.map(([text, url]) => link(text, url)).join(', ')}.`,
    ]),
    automationRules(model),
    verifyCommands(model),
    objectLockMigration(model),
    heading(2, 'Why not the CIS filter alone?'),
    bullets([
      `The CIS filter also counts AssumeRoot task sessions, which are expected, ticketed work. Paging on it would either page for every task session or train responders to ignore root pages; rootlock keeps ${code('rootlock-root-usage')} (real root use, pages critical) and ${code('rootlock-root-task-session')} (task sessions, pages high) apart.`,
      'The CIS alarm therefore only notifies the compliance topic. The test suite proves, with the CloudWatch Logs filter syntax, that every sample root event it matches (console sign-in, API call, task session action) also matches one of the two paging filters, and that service events and calls made by a service for the root user match none.',
    ]),
  ]);
  return document([heading(1, 'Compliance map'), generatedNote(model), placeholderSection(body), body.trimEnd()]);
}

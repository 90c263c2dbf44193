/**
 * The resolved model: every name, ARN, account id and alarm that the stacks and the runbooks use, computed once from
 * the configuration. Stacks and runbooks read this; neither writes a name of its own.
 */
import type { RootlockConfig } from './schema';
import { detectionsFor, Detection } from '../detections/catalog';
import { kebab, snake } from './naming';
import { resolvePeople, type ResolvedPeople } from './model-people';
import { RUNBOOK_FILES } from './contract';
import { ComplianceModel, resolveCompliance } from './model-compliance';

export { kebab, snake };

export const PARTITION = 'aws';
/** Console sign-in events are delivered to us-east-1 whatever the home region; so are IAM and global STS calls. */
export const GLOBAL_EVENTS_REGION = 'us-east-1';
export const METRIC_NAMESPACE = 'Rootlock';
export { RUNBOOK_FILES };

export interface ResolvedOu {
  /** Snake-case key used in logical ids and outputs. */
  key: string;
  name: string;
  /** Existing OU id when adopted. */
  existingId?: string;
  /** Parent OU name, or 'root'; undefined for an adopted OU. */
  parent?: string;
  /** Path from the root, for humans: "Workloads/Prod". */
  path: string;
  rootDenyExemptReason?: string;
  accounts: string[];
}

export interface AccountTarget {
  id: string;
  name: string;
  /** The cdktf stack that owns this account's break-glass role and forwarding rules. */
  stackName: string;
  isManagement: boolean;
  isSecurity: boolean;
  ou?: string;
  breakGlassRoleArn: string;
  switchRoleUrl: string;
  /** Role the deploy assumes to reach the account; undefined for the management account (the caller's own). */
  deployRoleArn?: string;
}

export interface Model {
  config: RootlockConfig;
  organization: {
    managementAccountId: string;
    homeRegion: string;
    existingOrganizationId?: string;
    rootId?: string;
    /** Trusted-access principals: the ones already enabled plus what rootlock needs, sorted. */
    servicePrincipals: string[];
    /** Principals rootlock itself adds, with why. */
    requiredServicePrincipals: Array<{ principal: string; why: string }>;
    rootFeatures: string[];
    deploymentRoleArnPattern: string;
  };
  /** Regions every account listens in: the home region and, for console sign-in and global STS, us-east-1. */
  eventRegions: string[];
  ous: ResolvedOu[];
  management: AccountTarget;
  security: AccountTarget;
  members: AccountTarget[];
  /** Management first, then members in configuration order. */
  allAccounts: AccountTarget[];
  breakGlass: {
    roleName: string;
    principals: string[];
    mfaMaxAgeSeconds: number;
    sessionDurationSeconds: number;
    adminPolicyArn: string;
    roleArnPattern: string;
  };
  scps: {
    rootDeny: { name: string; description: string; targets: ResolvedOu[] };
    monitoringProtection: { name: string; description: string; targets: ResolvedOu[] };
  };
  pipeline: {
    trailName: string;
    trailArn: string;
    trailBucketName: string;
    trailKeyAlias: string;
    logGroupName: string;
    logGroupArn: string;
    logRetentionDays: number;
    cloudTrailToLogsRoleName: string;
    topicName: string;
    topicArn: string;
    alertsKeyAlias: string;
    busName: string;
    busArn: string;
    deadLetterQueueName: string;
    deadLetterQueueArn: string;
    forwarderRoleName: string;
    configBucketName: string;
    configRoleName: string;
    metricNamespace: string;
    alarmPeriodSeconds: number;
    subscriptions: Array<{ protocol: 'email' | 'https'; endpoint: string }>;
  };
  monitoring: { guardDuty: boolean; config: boolean };
  /** CIS / Security Hub / Prowler: compliance topic, access logs, Object Lock, Config key (config/model-compliance.ts). */
  compliance: ComplianceModel;
  detections: Detection[];
  runbooks: typeof RUNBOOK_FILES;
  /** Responders, custody and break-glass principals with MFA devices and CLI profiles (config/model-people.ts). */
  people: ResolvedPeople;
  stackNames: { management: string; security: string; configRules: string };
}

export function roleArn(accountId: string, roleName: string): string {
  return `arn:${PARTITION}:iam::${accountId}:role/${roleName}`;
}

export function switchRoleUrl(accountId: string, roleName: string, displayName: string): string {
  const q = new URLSearchParams({ account: accountId, roleName, displayName: `break-glass ${displayName}`.slice(0, 64) });
  return `https://signin.aws.amazon.com/switchrole?${q.toString()}`;
}

function ouPath(name: string, byName: Map<string, RootlockConfig['organizationalUnits'][number]>): string {
  const parts: string[] = [];
  let cursor: string | undefined = name;
  while (cursor && cursor !== 'root') {
    parts.unshift(cursor);
    cursor = byName.get(cursor)?.parent;
  }
  return parts.join('/');
}

export function resolveModel(config: RootlockConfig): Model {
  const org = config.organization;
  const home = org.homeRegion;
  const mgmtId = org.managementAccountId;
  const securityCfg = config.accounts.find((a) => a.name === config.securityAccount)!;
  const secId = securityCfg.id;
  const bg = config.breakGlass;

  const ouByName = new Map(config.organizationalUnits.map((o) => [o.name, o]));
  const exemptions = new Map(config.exemptions.map((e) => [e.ou, e.reason]));
  const ous: ResolvedOu[] = config.organizationalUnits.map((o) => ({
    key: snake(o.name),
    name: o.name,
    existingId: o.id,
    parent: o.id ? undefined : o.parent,
    path: o.id ? o.name : ouPath(o.name, ouByName),
    rootDenyExemptReason: exemptions.get(o.name),
    accounts: config.accounts.filter((a) => a.ou === o.name).map((a) => a.name),
  }));

  const target = (id: string, name: string, stackName: string, extra: Partial<AccountTarget>): AccountTarget => ({
    id,
    name,
    stackName,
    isManagement: false,
    isSecurity: id === secId,
    breakGlassRoleArn: roleArn(id, bg.roleName),
    switchRoleUrl: switchRoleUrl(id, bg.roleName, name),
    ...extra,
  });
  const management = target(mgmtId, 'management', 'baseline-management', { isManagement: true });
  const members = config.accounts.map((a) =>
    target(a.id, a.name, `baseline-${kebab(a.name)}`, { ou: a.ou, deployRoleArn: roleArn(a.id, org.deploymentRoleName) }),
  );
  const security = members.find((m) => m.id === secId)!;

  const requiredServicePrincipals = [
    { principal: 'iam.amazonaws.com', why: 'centralized root access management' },
    { principal: 'cloudtrail.amazonaws.com', why: 'the organization trail run by the security account' },
    ...(config.monitoring.guardDuty ? [{ principal: 'guardduty.amazonaws.com', why: 'GuardDuty with the security account as delegated admin' }] : []),
    ...(config.monitoring.config
      ? [
          { principal: 'config.amazonaws.com', why: 'AWS Config organization rules' },
          { principal: 'config-multiaccountsetup.amazonaws.com', why: 'AWS Config organization rules from the delegated admin' },
        ]
      : []),
  ];
  const servicePrincipals = [...new Set([...org.enabledServicePrincipals, ...requiredServicePrincipals.map((r) => r.principal)])].sort();

  const trailName = 'rootlock-organization-trail';
  const logGroupName = '/rootlock/organization-trail';
  const topicArn = `arn:${PARTITION}:sns:${home}:${secId}:${config.alerts.topicName}`;
  const busName = 'rootlock-root-activity';
  const deadLetterQueueName = 'rootlock-alert-delivery-dlq';
  const exemptNote = ous.filter((o) => o.rootDenyExemptReason).map((o) => `${o.path} exempt: ${o.rootDenyExemptReason}`);

  const model: Model = {
    config,
    organization: {
      managementAccountId: mgmtId,
      homeRegion: home,
      existingOrganizationId: org.existingOrganizationId,
      rootId: org.rootId,
      servicePrincipals,
      requiredServicePrincipals,
      rootFeatures: ['RootCredentialsManagement', 'RootSessions'],
      deploymentRoleArnPattern: `arn:${PARTITION}:iam::*:role/${org.deploymentRoleName}`,
    },
    eventRegions: [...new Set([home, GLOBAL_EVENTS_REGION])].sort(),
    ous,
    management,
    security,
    members,
    allAccounts: [management, ...members],
    breakGlass: {
      roleName: bg.roleName,
      principals: bg.principals.map((p) => p.arn).sort(),
      mfaMaxAgeSeconds: bg.mfaMaxAgeSeconds,
      sessionDurationSeconds: bg.sessionDurationSeconds,
      adminPolicyArn: `arn:${PARTITION}:iam::aws:policy/AdministratorAccess`,
      roleArnPattern: `arn:${PARTITION}:iam::*:role/${bg.roleName}`,
    },
    scps: {
      rootDeny: {
        name: 'rootlock-root-deny',
        description: truncate(
          `Denies member-account root users everything except privileged sts:AssumeRoot task sessions. Never applies to the management account.${exemptNote.length ? ` ${exemptNote.join('; ')}` : ''}`,
        ),
        targets: ous.filter((o) => !o.rootDenyExemptReason),
      },
      monitoringProtection: {
        name: 'rootlock-monitoring-protection',
        description: truncate(`Only ${org.deploymentRoleName} may stop, delete or change the organization trail, root alarms, alert topic, forwarding rules and break-glass role.`),
        targets: ous,
      },
    },
    pipeline: {
      trailName,
      // An organization trail belongs to the management account even when the delegated admin creates it.
      trailArn: `arn:${PARTITION}:cloudtrail:${home}:${mgmtId}:trail/${trailName}`,
      trailBucketName: `rootlock-trail-${secId}-${home}`,
      trailKeyAlias: 'alias/rootlock-organization-trail',
      logGroupName,
      logGroupArn: `arn:${PARTITION}:logs:${home}:${secId}:log-group:${logGroupName}`,
      logRetentionDays: config.logging.retentionDays,
      cloudTrailToLogsRoleName: 'rootlock-cloudtrail-to-logs',
      topicName: config.alerts.topicName,
      topicArn,
      alertsKeyAlias: 'alias/rootlock-alerts',
      busName,
      busArn: `arn:${PARTITION}:events:${home}:${secId}:event-bus/${busName}`,
      deadLetterQueueName,
      deadLetterQueueArn: `arn:${PARTITION}:sqs:${home}:${secId}:${deadLetterQueueName}`,
      forwarderRoleName: 'rootlock-event-forwarder',
      configBucketName: `rootlock-config-${secId}-${home}`,
      configRoleName: 'rootlock-config-recorder',
      metricNamespace: METRIC_NAMESPACE,
      alarmPeriodSeconds: config.alerts.alarmPeriodSeconds,
      subscriptions: [
        ...config.alerts.emails.map((endpoint) => ({ protocol: 'email' as const, endpoint })),
        ...config.alerts.httpsEndpoints.map((endpoint) => ({ protocol: 'https' as const, endpoint })),
      ],
    },
    monitoring: { guardDuty: config.monitoring.guardDuty, config: config.monitoring.config },
    compliance: resolveCompliance(config, secId, home),
    detections: [],
    runbooks: RUNBOOK_FILES,
    people: resolvePeople(config),
    stackNames: { management: 'management', security: 'security', configRules: 'config-rules' },
  };
  model.detections = detectionsFor(model);
  return model;
}

/** SCP and role descriptions are limited to 512 characters by Organizations. */
function truncate(text: string, max = 512): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

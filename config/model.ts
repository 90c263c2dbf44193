/**
 * The resolved model: every name, ARN, account id and alarm that the stacks and the runbooks use, computed once from
 * the configuration. Stacks and runbooks read this; neither writes a name of its own.
 */
import type { RootlockConfig } from './schema';
import { detectionsFor, Detection } from '../detections/catalog';
import { rulesForRegion } from '../detections/regions';
import { kebab, snake } from './naming';
import { resolvePeople, type ResolvedPeople } from './model-people';
import { Protection, resolveProtection } from './model-protection';
import { HealthModel, resolveHealth } from './model-health';
import { DeliveryModel, FORWARDING_DLQ_NAME, PlaybookLinks, playbookLinks, resolveDelivery } from './model-delivery';
import { ComplianceModel, resolveCompliance } from './model-compliance';
import { Placement, resolvePlacement } from './model-placement';
import { resolveTrust, TrustModel } from './model-trust';
import { resolveRootAccess, type RootAccessModel } from './model-root-access';
import { CreatedAccount, createdAccountIdRef, isCreatedAccountRef, resolveCreatedAccounts } from './model-created';
import { awsManagedPolicyArn, cloudTrailArn, eventBusArn, iamRoleArn, logGroupArn, PARTITION, snsTopicArn, sqsQueueArn } from './arn';
import { GLOBAL_EVENTS_REGION, METRIC_NAMESPACE, prefixed, RESOURCE_PREFIX, RUNBOOK_FILES, SCP_NAMES } from './contract';

export { kebab, snake, PARTITION, METRIC_NAMESPACE, RUNBOOK_FILES };

export { GLOBAL_EVENTS_REGION } from './contract';

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
  /** Root user email from the configuration, when given. */
  email?: string;
  /** Created by the management stack: `id` is then a Terraform reference (config/model-created.ts), not a literal. */
  created?: boolean;
}

export interface Model {
  /** Where Terraform keeps each stack's state (`state` of the configuration, validated). */
  state: RootlockConfig['state'];
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
    deploymentRoleName: string;
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
    /** Base name and description of the monitoring-protection SCPs (as many as the size limit needs: <name>-1, -2...). */
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
    forwardingDeadLetterQueueName: string;
    forwarderRoleName: string;
    configBucketName: string;
    configRoleName: string;
    configRecorderName: string;
    metricNamespace: string;
    /** Prefix of every rootlock alarm, metric filter, rule and organization Config rule name. */
    namePrefix: string;
    /** Prefix of every rootlock KMS alias. */
    keyAliasPrefix: string;
    alarmPeriodSeconds: number;
    subscriptions: Array<{ protocol: 'email' | 'https'; endpoint: string }>;
  };
  monitoring: { guardDuty: boolean; config: boolean };
  /** What the monitoring-protection SCPs protect (config/model-protection.ts). */
  protection: Protection;
  /** CIS / Security Hub / Prowler: compliance topic, access logs, Object Lock, Config key (config/model-compliance.ts). */
  compliance: ComplianceModel;
  detections: Detection[];
  /** Where each account is placed, what reaches it, which accounts are left alone (config/model-placement.ts). */
  placement: Placement;
  /** Dead-letter queues, central rules, the alarms watching the pipeline (config/model-delivery.ts). */
  delivery: DeliveryModel;
  /** Heartbeats, the health topic and its key, subscription dead letters: health seen from the security account (config/model-health.ts). */
  health: HealthModel;
  /** The one place a playbook link is built: alarms, rules and runbooks use it. */
  playbooks: PlaybookLinks;
  runbooks: typeof RUNBOOK_FILES;
  /** Responders, custody and break-glass principals with MFA devices and CLI profiles (config/model-people.ts). */
  people: ResolvedPeople;
  /** Who may ask for root: the management account, or also a delegated administrator (config/model-root-access.ts). */
  rootAccess: RootAccessModel;
  stackNames: { management: string; security: string; configRules: string };
  /** Who may use which role: deploy principals, the per-job roles, the RCPs (config/model-trust.ts). */
  trust: TrustModel;
  /** Accounts the management stack creates (email, no id), in configuration order. */
  createdAccounts: CreatedAccount[];
}

/** @deprecated name kept for readers of the model: the ARN formatter's `iamRoleArn`. */
export const roleArn = iamRoleArn;

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
  const idOf = (a: RootlockConfig['accounts'][number]): string => a.id ?? createdAccountIdRef(a.name);
  const secId = idOf(securityCfg);
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
    // A created account's id is a Terraform reference: left unencoded so Terraform (outputs) and the runbooks can fill it.
    switchRoleUrl: isCreatedAccountRef(id) ? switchRoleUrl('0', bg.roleName, name).replace('account=0&', `account=${id}&`) : switchRoleUrl(id, bg.roleName, name),
    ...extra,
  });
  const management = target(mgmtId, 'management', 'baseline-management', { isManagement: true });
  const members = config.accounts.map((a) =>
    target(idOf(a), a.name, `baseline-${kebab(a.name)}`, { ou: a.ou, deployRoleArn: roleArn(idOf(a), org.deploymentRoleName), email: a.email, created: !a.id }),
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

  const trailName = prefixed('organization-trail');
  const logGroupName = '/rootlock/organization-trail';
  const topicArn = snsTopicArn(home, secId, config.alerts.topicName);
  const busName = prefixed('root-activity');
  const deadLetterQueueName = prefixed('alert-delivery-dlq');
  const exemptNote = ous.filter((o) => o.rootDenyExemptReason).map((o) => `${o.path} exempt: ${o.rootDenyExemptReason}`);

  const model: Model = {
    state: config.state,
    organization: {
      managementAccountId: mgmtId,
      homeRegion: home,
      existingOrganizationId: org.existingOrganizationId,
      rootId: org.rootId,
      servicePrincipals,
      requiredServicePrincipals,
      rootFeatures: ['RootCredentialsManagement', 'RootSessions'],
      deploymentRoleName: org.deploymentRoleName,
      deploymentRoleArnPattern: iamRoleArn('*', org.deploymentRoleName),
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
      adminPolicyArn: awsManagedPolicyArn('AdministratorAccess'),
      roleArnPattern: iamRoleArn('*', bg.roleName),
    },
    scps: {
      rootDeny: {
        name: SCP_NAMES.rootDeny,
        description: truncate(
          `Denies member-account root users everything except privileged sts:AssumeRoot task sessions. Never applies to the management account.${exemptNote.length ? ` ${exemptNote.join('; ')}` : ''}`,
        ),
        targets: ous.filter((o) => !o.rootDenyExemptReason),
      },
      monitoringProtection: {
        name: SCP_NAMES.monitoringProtection,
        description: truncate(
          `Only ${org.deploymentRoleName} may change the root-usage alarm pipeline: trail, bucket, log group, alarms, metric namespace, topic, buses, rules, queues, rootlock roles and keys, GuardDuty, Config. No member account may leave the organization.`,
        ),
        targets: ous,
      },
    },
    pipeline: {
      trailName,
      // An organization trail belongs to the management account even when the delegated admin creates it.
      trailArn: cloudTrailArn(home, mgmtId, trailName),
      trailBucketName: prefixed(`trail-${secId}-${home}`),
      trailKeyAlias: `alias/${trailName}`,
      logGroupName,
      logGroupArn: logGroupArn(home, secId, logGroupName),
      logRetentionDays: config.logging.retentionDays,
      cloudTrailToLogsRoleName: prefixed('cloudtrail-to-logs'),
      topicName: config.alerts.topicName,
      topicArn,
      alertsKeyAlias: `alias/${prefixed('alerts')}`,
      busName,
      busArn: eventBusArn(home, secId, busName),
      deadLetterQueueName,
      deadLetterQueueArn: sqsQueueArn(home, secId, deadLetterQueueName),
      forwardingDeadLetterQueueName: FORWARDING_DLQ_NAME,
      forwarderRoleName: prefixed('event-forwarder'),
      configBucketName: prefixed(`config-${secId}-${home}`),
      configRoleName: prefixed('config-recorder'),
      configRecorderName: 'rootlock',
      metricNamespace: METRIC_NAMESPACE,
      namePrefix: RESOURCE_PREFIX,
      keyAliasPrefix: `alias/${RESOURCE_PREFIX}`,
      alarmPeriodSeconds: config.alerts.alarmPeriodSeconds,
      subscriptions: [
        ...config.alerts.emails.map((endpoint) => ({ protocol: 'email' as const, endpoint })),
        ...config.alerts.httpsEndpoints.map((endpoint) => ({ protocol: 'https' as const, endpoint })),
      ],
    },
    monitoring: { guardDuty: config.monitoring.guardDuty, config: config.monitoring.config },
    protection: undefined as unknown as Protection, // resolved below, from the finished pipeline names
    compliance: resolveCompliance(config, secId, home),
    detections: [],
    placement: { accounts: [], unmanaged: [], knownAccountIds: [], policyTypes: [] },
    delivery: undefined as unknown as DeliveryModel,
    health: undefined as unknown as HealthModel, // resolved below, with the accounts
    playbooks: playbookLinks(RUNBOOK_FILES.alarms, config.runbooks.baseUrl),
    runbooks: RUNBOOK_FILES,
    people: resolvePeople(config),
    rootAccess: resolveRootAccess(config, secId),
    stackNames: { management: 'management', security: 'security', configRules: 'config-rules' },
    trust: resolveTrust(org),
    createdAccounts: resolveCreatedAccounts(config.accounts),
  };
  model.placement = resolvePlacement(model, config);
  const { breakGlass, monitoring, pipeline, compliance, scps, trust, people } = model;
  model.health = resolveHealth({
    homeRegion: home,
    securityId: secId,
    eventRegions: model.eventRegions,
    accounts: model.allAccounts,
    alertTopicName: config.alerts.topicName,
    complianceTopicName: model.compliance.topicName,
    forwardingQueueName: FORWARDING_DLQ_NAME,
  });
  // The protected set first: the tamper detections are generated from it.
  model.protection = resolveProtection({
    securityAccountId: secId,
    deploymentRoleName: org.deploymentRoleName,
    deploymentRoleTrustedBy: org.deploymentRoleTrustedBy,
    breakGlassRoleName: bg.roleName,
    monitoring: model.monitoring,
    compliance: model.compliance,
    pipeline: model.pipeline,
    health: model.health,
  });
  model.detections = detectionsFor({ breakGlass, monitoring, security, pipeline, compliance, scps, trust, people, protection: model.protection });
  model.delivery = resolveDelivery({
    homeRegion: home,
    eventRegions: model.eventRegions,
    security: { id: secId, name: security.name },
    accounts: model.allAccounts,
    busName,
    alertQueueName: deadLetterQueueName,
    detections: model.detections,
    forwardedIn: (region) => rulesForRegion(model, region, 'forwarded'),
    securityDefaultBus: rulesForRegion(model, home, 'security-default-bus'),
    windowMinutes: config.alerts.logDeliveryWindowMinutes,
  });
  SOURCES.set(model, structuredClone(config));
  return model;
}

/** The configuration each model was resolved from, as it was then (a copy): see `sourceConfigOf`. */
const SOURCES = new WeakMap<Model, RootlockConfig>();

/**
 * The configuration `model` was resolved from, for a thread that must resolve the same model itself (a model holds
 * functions, so it cannot be posted to a worker). Undefined for a model not made by `resolveModel`. A caller that
 * changed the model after resolving it gets a configuration that no longer matches: compare before relying on it.
 */
export function sourceConfigOf(model: Model): RootlockConfig | undefined {
  return SOURCES.get(model);
}

/** SCP and role descriptions are limited to 512 characters by Organizations. */
function truncate(text: string, max = 512): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

/**
 * The declarative configuration of one organization: the only input rootlock has.
 * Field docs here become the JSON Schema descriptions that editors show.
 */
import { z } from 'zod';
import { rootAccessSchema } from './schema-root-access';

export const ACCOUNT_ID = /^\d{12}$/;
export const ORG_ID = /^o-[a-z0-9]{10,32}$/;
export const ROOT_ID = /^r-[0-9a-z]{4,32}$/;
export const OU_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;
const IAM_NAME = /^[\w+=,.@-]{1,64}$/;
const PRINCIPAL_ARN = /^arn:aws[\w-]*:(iam::\d{12}:(user|role)\/[\w+=,.@/-]+|sts::\d{12}:assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+)$/;
const SLUG = /^[A-Za-z][A-Za-z0-9 _-]{0,63}$/;
const MFA_DEVICE_ARN = /^arn:aws[\w-]*:iam::\d{12}:(mfa|u2f)\/[\w+=,.@/-]+$/;
const CLI_PROFILE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** An international phone number as people dial it: "+", country code, digits with spaces, dots, dashes or brackets. */
const PHONE = /^\+[1-9][0-9 ().-]{6,24}[0-9]$/;

const accountId = z.string({ error: 'must be a 12-digit AWS account id in quotes' }).regex(ACCOUNT_ID, 'is not a 12-digit AWS account id');
/**
 * Regions of the other partitions (aws-us-gov, aws-cn, the ISO partitions): their ARNs start `arn:aws-us-gov:`,
 * `arn:aws-cn:`... rootlock writes `arn:aws:` everywhere (config/arn.ts), so it refuses them rather than synthesize
 * ARNs that name nothing. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */
const OTHER_PARTITION_REGION = /^(us-gov-|cn-|us-iso|eu-iso)/;
const OTHER_PARTITION_ARN = 'is an ARN of another partition (aws-us-gov, aws-cn, ISO): rootlock writes ARNs for the commercial aws partition only (arn:aws:...)';
const region = z
  .string()
  .regex(REGION, 'is not an AWS region name such as "eu-west-1"')
  .refine((r) => !OTHER_PARTITION_REGION.test(r), {
    message: 'is a GovCloud, China or ISO region: rootlock writes ARNs for the commercial aws partition only (arn:aws:...); use a commercial region such as "eu-west-1"',
  });
const nonEmpty = (what: string) => z.string({ error: `must be ${what}` }).trim().min(1, `must not be empty: give ${what}`);

export const CUSTODY_ROLES = ['root-password', 'mfa-device', 'approver', 'root-mailbox'] as const;

/** Organizations policy types (EnablePolicyType): disabling one detaches every policy of that type. */
export const POLICY_TYPES = [
  'SERVICE_CONTROL_POLICY',
  'RESOURCE_CONTROL_POLICY',
  'TAG_POLICY',
  'BACKUP_POLICY',
  'AISERVICES_OPT_OUT_POLICY',
  'CHATBOT_POLICY',
  'DECLARATIVE_POLICY_EC2',
] as const;

const organization = z
  .strictObject({
    managementAccountId: accountId.describe('The management (payer) account id. SCPs never apply to it.'),
    homeRegion: region.describe('Region of the organization trail, alarms, topic and event bus.'),
    existingOrganizationId: z
      .string()
      .regex(ORG_ID, 'is not an organization id such as "o-a1b2c3d4e5"')
      .optional()
      .describe('Adopt this existing organization (imported, never re-created). Omit to create a new one.'),
    rootId: z
      .string()
      .regex(ROOT_ID, 'is not an organization root id such as "r-ab12"')
      .optional()
      .describe('Root id of the adopted organization; needed to create OUs directly under the root. Omit when creating.'),
    enabledServicePrincipals: z
      .array(z.string().regex(/^[a-z0-9.-]+\.amazonaws\.com$/, 'is not a service principal such as "sso.amazonaws.com"'))
      .default([])
      .describe('Service principals that already have trusted access. They are kept: dropping one silently is an outage.'),
    keepPolicyTypes: z
      .array(z.enum(POLICY_TYPES, { error: `must be one of ${POLICY_TYPES.join(', ')}` }))
      .default([])
      .describe(
        'Policy types to keep enabled besides SERVICE_CONTROL_POLICY. An adopted organization keeps every type already enabled (read at plan time); list them here when the plan cannot read them. A type is never disabled by a deploy.',
      ),
    deploymentRoleName: z
      .string()
      .regex(IAM_NAME, 'is not a valid IAM role name')
      .default('OrganizationAccountAccessRole')
      .describe(
        'The role the deploy assumes in every member account, and the only principal the monitoring-protection SCP lets change the trail, alarms, topic, rules and break-glass role. A dedicated, narrowly trusted deployer role is better than the default.',
      ),
    deploymentRoleTrustedBy: z
      .array(z.string().regex(/^arn:aws:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/, 'is not an IAM role or user ARN'))
      .default([])
      .describe(
        'Required, at least one: the deploy pipeline\'s own role, the only principal the RCP lets assume the deployment role (with source identity rootlock-deploy). Written into the runbooks: whoever can assume it can change the alarm pipeline.',
      ),
    jobRoleTrustedBy: z
      .strictObject({
        plan: z.array(z.string().regex(/^arn:aws:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/, 'is not an IAM role or user ARN')).default([]).describe('CI principals of PR plans, `npm run review` and plan-all: may assume rootlock-plan (read-only).'),
        audit: z.array(z.string().regex(/^arn:aws:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/, 'is not an IAM role or user ARN')).default([]).describe('CI principals of `npm run audit`: may assume rootlock-audit (reads, and AssumeRoot for the audit task policy only).'),
        drill: z.array(z.string().regex(/^arn:aws:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/, 'is not an IAM role or user ARN')).default([]).describe('CI principals of `npm run drill`: may assume rootlock-drill (only what the drill does).'),
      })
      .default({ plan: [], audit: [], drill: [] })
      .describe(
        'Who may assume the job roles rootlock creates in every account (rootlock-plan, rootlock-audit, rootlock-drill): the CI role of each job. None of them is exempt from the monitoring-protection SCPs.',
      ),
  })
  .describe('The organization and its management account.');

const organizationalUnit = z.strictObject({
  name: z.string().regex(SLUG, 'must start with a letter and hold only letters, digits, spaces, "_" or "-" (at most 64)').describe('Unique OU name; referenced by accounts and exemptions.'),
  id: z.string().regex(OU_ID, 'is not an OU id such as "ou-ab12-cdef3456"').optional().describe('Adopt an existing OU by id. Omit to create it under `parent`.'),
  parent: z.string().optional().describe('Name of the parent OU, or "root". Required when the OU is created.'),
});

const account = z.strictObject({
  id: accountId
    .optional()
    .describe('Adopt this existing member account (imported, never created, closed or removed). Omit, with `email`, to have the management stack create it directly in `ou`.'),
  email: z
    .email({ error: 'is not an email address (the account root user\'s address, unique across AWS)' })
    .max(64, 'is longer than the 64 characters CreateAccount accepts')
    .optional()
    .describe('Root user email address. Without `id`: the account is created with it (CreateAccount). With `id`: adopt, and the plan checks the account has this email.'),
  name: z
    .string()
    .regex(SLUG, 'must start with a letter and hold only letters, digits, spaces, "_" or "-" (at most 64)')
    // Organizations' AccountName is 1..50 characters (the provider refuses more at plan):
    // https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateAccount.html
    .max(50, 'is longer than the 50 characters AWS Organizations allows for an account name: shorten it')
    .describe('Unique account name (at most 50 characters, as AWS Organizations allows); names its baseline stack.'),
  ou: z.string().describe('Name of the OU the account is in.'),
  rootDenyExemptionAcknowledged: z
    .literal(true, { error: 'must be true (or left out)' })
    .optional()
    .describe('Required (true) when `ou` is exempt from the root-deny SCP: the account\'s root user will be allowed everything. Refused on an account in a covered OU.'),
});

const breakGlassPrincipal = z
  .strictObject({
    arn: z
      .string({ error: 'must be an IAM user ARN such as "arn:aws:iam::111111111111:user/breakglass-alice"' })
      .regex(PRINCIPAL_ARN, 'is not an IAM user or role ARN (a whole account or a wildcard is never allowed)')
      .refine((arn) => !PRINCIPAL_ARN.test(arn) || arn.startsWith('arn:aws:'), { message: OTHER_PARTITION_ARN })
      .describe('IAM user ARN (an IAM role is accepted with a warning). Never a whole account, a wildcard, a session or an Identity Center role.'),
    mfaDeviceArn: z
      .string({ error: 'must be the ARN of the principal\'s MFA device such as "arn:aws:iam::111111111111:mfa/breakglass-alice"' })
      .regex(MFA_DEVICE_ARN, 'is not an MFA device ARN such as "arn:aws:iam::111111111111:mfa/breakglass-alice"')
      .describe('ARN (serial number) of the TOTP MFA device (virtual or hardware, `:mfa/`) of this principal: the runbooks pass it to sts assume-role with a code. A FIDO security key (`:u2f/`) cannot give a code and is refused.'),
    custody: nonEmpty("where this principal's own credentials (password or access key) are kept").describe(
      "Where this principal's own credentials are kept (a vault entry, a sealed envelope), so a responder on a fresh laptop can find them.",
    ),
    profile: z
      .string()
      .regex(CLI_PROFILE, 'is not an AWS CLI profile name (letters, digits, "_", "." or "-", at most 64)')
      .optional()
      .describe('AWS CLI profile that holds this principal\'s credentials on the responder\'s laptop. Default: the user name.'),
  })
  .describe('One break-glass principal.');

const breakGlass = z
  .strictObject({
    roleName: z.string().regex(IAM_NAME, 'is not a valid IAM role name').default('rootlock-break-glass').describe('IAM role name of the break-glass role in every account.'),
    principals: z
      .array(breakGlassPrincipal)
      .min(1, 'needs at least one named IAM user or role ARN')
      .describe('The only IAM users (or roles) allowed to assume the break-glass role, each with its MFA device, custody and CLI profile.'),
    mfaMaxAgeSeconds: z
      .number({ error: 'must be a number of seconds' })
      .int('must be a whole number of seconds')
      .min(1, 'must be within 1..3600 seconds')
      .max(3600, 'must be within 1..3600 seconds')
      .default(900)
      .describe('Maximum age of the MFA sign-in that may assume the role.'),
    sessionDurationSeconds: z
      .number({ error: 'must be a number of seconds' })
      .int('must be a whole number of seconds')
      // The role's MaxSessionDuration: 3600..43200 (IAM UpdateRole/CreateRole, "Valid Range: Minimum value of 3600",
      // https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateRole.html; the provider validates the same range).
      // 900 is the shortest session a caller may request (DurationSeconds), not a role setting.
      .min(3600, 'must be within the IAM role limits 3600..43200 seconds (a role\'s maximum session is 1 to 12 hours; callers may still ask for shorter sessions)')
      .max(43200, 'must be within the IAM role limits 3600..43200 seconds (a role\'s maximum session is 1 to 12 hours; callers may still ask for shorter sessions)')
      .default(3600)
      .describe('Maximum session duration of the role (IAM MaxSessionDuration, 3600..43200).'),
  })
  .describe('The MFA-gated break-glass role provisioned in every account.');

const responder = z.strictObject({
  name: nonEmpty('the person\'s name').describe('The person\'s name, as the runbooks and quick cards show it.'),
  role: nonEmpty('their job title or on-call role').describe('Their job title or on-call role.'),
  contact: z
    .strictObject({
      email: z.email({ error: 'is not an email address' }).describe('Email address.'),
      phone: z
        .string()
        .regex(PHONE, 'is not an international phone number such as "+44 20 7946 0001"')
        .optional()
        .describe('Phone number in international form. Required for custodians and approvers: break-glass approval is a call.'),
    })
    .describe('How to reach this person.'),
  custody: z
    .array(z.enum(CUSTODY_ROLES, { error: `must be one of ${CUSTODY_ROLES.join(', ')}` }))
    .default([])
    .describe(
      'What this person holds: the root password, a root MFA device, the right to approve break-glass, or the management account root mailbox (root-mailbox: the address AWS sends password resets and account notices to). Each secret needs a holder and a deputy.',
    ),
});

const custody = z
  .strictObject({
    rootPassword: nonEmpty('where the management account root password is kept').describe('Where the management account root password is kept.'),
    mfaDevice: nonEmpty('where the management account root MFA device is kept').describe('Where the management account root MFA device is kept.'),
    recordLocation: nonEmpty('where each break-glass use is recorded (ticket queue, log)').default('the security incident ticket queue').describe('Where each break-glass use is recorded.'),
  })
  .describe('Where the management account root credentials are kept.');

const alerts = z
  .strictObject({
    emails: z.array(z.email({ error: 'is not an email address' })).default([]).describe('Email subscribers of the alert topic (at least one email or endpoint in all).'),
    httpsEndpoints: z.array(z.url({ protocol: /^https$/, error: 'is not an https:// URL' })).default([]).describe('HTTPS subscribers of the alert topic: pagers. HTTPS only.'),
    topicName: z.string().regex(/^[\w-]{1,256}$/, 'is not a valid SNS topic name').default('rootlock-alerts').describe('SNS topic name of the pages.'),
    alarmPeriodSeconds: z
      .union([z.literal(10), z.literal(30), z.literal(60), z.literal(300), z.literal(900), z.literal(3600)], { error: 'must be one of 10, 30, 60, 300, 900, 3600' })
      .default(60)
      .describe('Period of the metric alarms (threshold 1 in one period).'),
    logDeliveryWindowMinutes: z
      .number({ error: 'must be a number of minutes' })
      .int('must be a whole number of minutes')
      .min(5, 'must be within 5..1440 minutes (CloudWatch evaluates at most one day)')
      .max(1440, 'must be within 5..1440 minutes (CloudWatch evaluates at most one day)')
      .default(60)
      .describe('Page when the organization trail delivered no event to its log group for this long: the root alarms would be blind.'),
  })
  .describe('Where alarms page. At least one destination is required.');

const logging = z.strictObject({
  retentionDays: z
    .union(
      [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653].map((d) => z.literal(d)) as unknown as [z.ZodLiteral<number>, z.ZodLiteral<number>],
      { error: 'is not a CloudWatch Logs retention (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)' },
    )
    .default(365)
    .describe('Days the trail log group keeps events (a CloudWatch Logs retention value); also the trail bucket\'s Object Lock retention.'),
});

const exemption = z.strictObject({
  ou: z.string().describe('Name of the OU left without the root-deny SCP.'),
  reason: z.string().optional().describe('Why this OU may keep root: shown in the plan, the SCP descriptions and the runbooks.'),
});

const unmanagedAccount = z.strictObject({
  id: accountId.describe('A member account rootlock leaves where it is: not placed, not baselined.'),
  reason: z.string().optional().describe('Why the account is left alone: shown in the runbooks, the inventory and the plan.'),
  email: z
    .email({ error: 'is not an email address' })
    .optional()
    .describe('The `email` its `accounts[]` entry had, when it had one: the management stack then forgets that resource too (it is keyed by the email).'),
});

const monitoring = z
  .strictObject({
    guardDuty: z.boolean().default(true).describe('Enable GuardDuty with the security account as delegated admin. false where the organization runs it elsewhere.'),
    config: z.boolean().default(true).describe('Deploy AWS Config recorders and the organization root rules. false where the organization runs Config elsewhere.'),
  })
  .default({ guardDuty: true, config: true });

const compliance = z
  .strictObject({
    emails: z
      .array(z.email({ error: 'is not an email address' }))
      .optional()
      .describe(
        'Low-noise subscribers (a compliance mailbox) of the compliance topic that the CIS 4.3 / Security Hub CloudWatch.1 alarm notifies. Default: alerts.emails. Never a pager: the split root-usage and root-task-session alarms page.',
      ),
    topicName: z.string().regex(/^[\w-]{1,256}$/, 'is not a valid SNS topic name').default('rootlock-compliance').describe('SNS topic of the exact CIS 4.3 alarm (never a pager).'),
    trailObjectLock: z
      .strictObject({
        enabled: z.boolean().default(true).describe('S3 Object Lock (governance mode, default retention = logging.retentionDays) on the trail bucket.'),
        reason: z.string().optional().describe('Required when enabled is false: why the trail logs may be deleted or overwritten before their retention ends.'),
      })
      .default({ enabled: true })
      .describe('Object Lock on the organization trail bucket (Security Hub S3.15). Only for a new bucket: see the README for an existing deployment.'),
  })
  .describe('What auditors check (CIS, Security Hub, Prowler): the compliance alarm route and the trail bucket lock.');

const state = z
  .discriminatedUnion(
    'backend',
    [
      z.strictObject({ backend: z.literal('local') }),
      z.strictObject({
        backend: z.literal('s3'),
        bucket: z.string().min(3, 'is not an S3 bucket name'),
        region,
        keyPrefix: z.string().default('rootlock'),
      }),
    ],
    { error: 'must be { backend: local } or { backend: s3, bucket, region }' },
  )
  .default({ backend: 'local' })
  .describe('Where Terraform keeps each stack\'s state: local files in terraform-state/ beside cdktf.out (never inside it), or S3 for real use (encrypted, S3-native lock file; `npm run state-bucket` creates the bucket).');

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    organization,
    securityAccount: z.string().describe('Name of the account (in `accounts`) that hosts the alarm pipeline and is the delegated administrator.'),
    organizationalUnits: z.array(organizationalUnit).min(1, 'needs at least one member OU').describe('The member OUs: adopted by id, or created under a parent. Names unique ignoring case and punctuation; no cycles.'),
    accounts: z.array(account).min(1, 'needs at least one member account').describe('The member accounts rootlock covers, each placed in its OU and given a baseline stack.'),
    breakGlass,
    responders: z.array(responder).describe('The people of the runbooks. Two-person rule: nobody holds both the password and the MFA device, each root secret has a deputy, an approver holds neither.'),
    custody,
    alerts,
    logging: logging.default({ retentionDays: 365 }),
    exemptions: z.array(exemption).default([]).describe('OUs left without the root-deny SCP, each with its reason. An OU below a covered OU cannot be exempt.'),
    unmanagedAccounts: z
      .array(unmanagedAccount)
      .default([])
      .describe('ACTIVE member accounts deliberately left outside rootlock. Any other undeclared ACTIVE account fails the management plan.'),
    monitoring,
    state,
    runbooks: z
      .strictObject({
        baseUrl: z
          .url({ protocol: /^https$/, error: 'is not an https:// URL' })
          .optional()
          .describe('Where the team publishes the generated runbooks; pages and alarm descriptions then link to `<baseUrl>/alarm-playbooks.md#<detection id>`.'),
      })
      .default({})
      .describe('Where the generated runbooks are published.'),
    compliance: compliance.default({ topicName: 'rootlock-compliance', trailObjectLock: { enabled: true } }),
    rootAccess: rootAccessSchema,
  })
  .describe('rootlock: one organization, its root lock-down and its break-glass runbooks.');

export type RootlockConfig = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

/**
 * Each emulator extension (emulator/ext_*.py), called through the AWS SDK v3 as the stacks' tools call AWS: request and
 * response shapes, and the documented errors. See emulator/README.md for the list of gaps.
 */
import { samplesFor } from '../drill/samples';
import { CloudTrailClient, CreateTrailCommand, DeleteTrailCommand, DeregisterOrganizationDelegatedAdminCommand, GetTrailCommand, GetTrailStatusCommand, LookupEventsCommand, RegisterOrganizationDelegatedAdminCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { CloudWatchLogsClient, CreateLogGroupCommand, PutMetricFilterCommand, TestMetricFilterCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ConfigServiceClient, DeleteOrganizationConfigRuleCommand, DescribeConfigRulesCommand, DescribeOrganizationConfigRulesCommand, DescribeOrganizationConfigRuleStatusesCommand, PutOrganizationConfigRuleCommand } from '@aws-sdk/client-config-service';
import { CreateEventBusCommand, EventBridgeClient, ListTagsForResourceCommand, PutRuleCommand, TagResourceCommand, TestEventPatternCommand } from '@aws-sdk/client-eventbridge';
import { CreateDetectorCommand, CreateFilterCommand, DescribeOrganizationConfigurationCommand, ListFiltersCommand, paginateListFilters, DisableOrganizationAdminAccountCommand, EnableOrganizationAdminAccountCommand, GuardDutyClient, ListOrganizationAdminAccountsCommand, UpdateOrganizationConfigurationCommand } from '@aws-sdk/client-guardduty';
import { DisableOrganizationsRootSessionsCommand, EnableOrganizationsRootCredentialsManagementCommand, EnableOrganizationsRootSessionsCommand, IAMClient, ListOrganizationsFeaturesCommand } from '@aws-sdk/client-iam';
import { CreateAccountCommand, CreateOrganizationCommand, EnableAWSServiceAccessCommand, ListAWSServiceAccessForOrganizationCommand, ListDelegatedAdministratorsCommand, OrganizationsClient, RegisterDelegatedAdministratorCommand } from '@aws-sdk/client-organizations';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import { loadConfigFile, DEFAULT_CONFIG } from '../config/load';
import { resolveModel } from '../config/model';
import { assumeAccount, AwsCredentials, Emulator, sdkConfig, startEmulator } from './support/emulator';
import { describeWithTools } from './support/tools';

/** The error an SDK call rejects with: its name (the AWS error code) and message. */
async function awsError(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail, it succeeded');
}


/** Detections whose catalog proof here is their recorded sample (detections/samples). */
const RECORDED = ['break-glass-user-credentials-changed', 'deployment-role-outside-deploy', 'member-root-email-changed', 'root-password-recovery-session'];
/** For each, the nearest record that must not match: a read, another user, the deploy's own session, another task. */
const NEAR_MISSES: Record<string, Record<string, unknown>> = {
  'break-glass-user-credentials-changed': { eventSource: 'iam.amazonaws.com', eventName: 'CreateAccessKey', requestParameters: { userName: 'app-user' } },
  'deployment-role-outside-deploy': {
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRole',
    requestParameters: { roleArn: 'arn:aws:iam::444444444444:role/rootlock-break-glass', sourceIdentity: 'breakglass-alice' },
  },
  'member-root-email-changed': { eventSource: 'account.amazonaws.com', eventName: 'GetPrimaryEmail' },
  'root-password-recovery-session': { eventSource: 'sts.amazonaws.com', eventName: 'AssumeRoot', requestParameters: { taskPolicyArn: { arn: 'arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials' } } },
};

describeWithTools(['moto_server'], 'the emulator extension tests')('emulator extensions (emulator/ext_*.py)', () => {
  let emu: Emulator;
  let mgmtId: string;
  let securityId: string;
  let memberId: string;
  let orgId: string;
  let security: AwsCredentials;
  let member: AwsCredentials;
  const region = 'eu-west-1';

  beforeAll(async () => {
    emu = (await startEmulator())!;
    const org = new OrganizationsClient(sdkConfig(emu));
    const created = await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    orgId = created.Organization!.Id!;
    mgmtId = created.Organization!.MasterAccountId!;
    securityId = (await org.send(new CreateAccountCommand({ AccountName: 'security', Email: 'security@example.com' }))).CreateAccountStatus!.AccountId!;
    memberId = (await org.send(new CreateAccountCommand({ AccountName: 'member', Email: 'member@example.com' }))).CreateAccountStatus!.AccountId!;
    security = await assumeAccount(emu, securityId);
    member = await assumeAccount(emu, memberId);
  }, 60_000);

  afterAll(async () => {
    await emu?.stop();
  });

  describe('core: fail fast', () => {
    it('an operation moto lacks is a non-retryable NotImplemented error naming it, not minutes of 500 retries', async () => {
      const started = Date.now();
      const err = await awsError(new CloudTrailClient({ ...sdkConfig(emu), maxAttempts: 3 }).send(new LookupEventsCommand({})));
      expect(err.name).toBe('NotImplemented');
      expect(err.message).toMatch(/cloudtrail:LookupEvents is not implemented/);
      expect(err.status).toBe(501);
      expect(Date.now() - started).toBeLessThan(5000);
    });
  });

  describe('organizations: trusted access for iam.amazonaws.com', () => {
    it('is accepted and listed; unknown principals are still rejected', async () => {
      const org = new OrganizationsClient(sdkConfig(emu));
      await org.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'iam.amazonaws.com' }));
      const listed = await org.send(new ListAWSServiceAccessForOrganizationCommand({}));
      expect(listed.EnabledServicePrincipals!.map((s) => s.ServicePrincipal)).toContain('iam.amazonaws.com');
      const err = await awsError(org.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'nothing.amazonaws.com' })));
      expect(err.name).toBe('InvalidInputException');
    });
  });

  describe('iam: centralized root access (organizations features)', () => {
    it('enables, lists and disables RootCredentialsManagement and RootSessions from the management account', async () => {
      const iam = new IAMClient(sdkConfig(emu));
      const first = await iam.send(new EnableOrganizationsRootCredentialsManagementCommand({}));
      expect(first).toMatchObject({ OrganizationId: orgId, EnabledFeatures: ['RootCredentialsManagement'] });
      const both = await iam.send(new EnableOrganizationsRootSessionsCommand({}));
      expect(both.EnabledFeatures).toEqual(['RootCredentialsManagement', 'RootSessions']);
      expect((await iam.send(new ListOrganizationsFeaturesCommand({}))).EnabledFeatures).toEqual(['RootCredentialsManagement', 'RootSessions']);
      const after = await iam.send(new DisableOrganizationsRootSessionsCommand({}));
      expect(after.EnabledFeatures).toEqual(['RootCredentialsManagement']);
      await iam.send(new EnableOrganizationsRootSessionsCommand({}));
    });

    it('refuses a member account that is not the delegated administrator', async () => {
      const err = await awsError(new IAMClient(sdkConfig(emu, { credentials: member })).send(new EnableOrganizationsRootSessionsCommand({})));
      expect(err.name).toBe('AccountNotManagementOrDelegatedAdministratorException');
    });

    it('refuses an account outside any organization', async () => {
      const outsider = await assumeAccount(emu, '999999999999');
      const err = await awsError(new IAMClient(sdkConfig(emu, { credentials: outsider })).send(new ListOrganizationsFeaturesCommand({})));
      expect(err.name).toBe('OrganizationNotFoundException');
    });
  });

  describe('cloudtrail: organization delegated admin and organization trails', () => {
    const trailName = 'rootlock-organization-trail';
    it('registers the delegated admin from the management account only, visible in Organizations', async () => {
      const fromMember = await awsError(new CloudTrailClient(sdkConfig(emu, { region, credentials: member })).send(new RegisterOrganizationDelegatedAdminCommand({ MemberAccountId: securityId })));
      expect(fromMember.name).toBe('NotOrganizationManagementAccountException');
      const ct = new CloudTrailClient(sdkConfig(emu, { region }));
      await ct.send(new RegisterOrganizationDelegatedAdminCommand({ MemberAccountId: securityId }));
      const admins = await new OrganizationsClient(sdkConfig(emu)).send(new ListDelegatedAdministratorsCommand({ ServicePrincipal: 'cloudtrail.amazonaws.com' }));
      expect(admins.DelegatedAdministrators!.map((a) => a.Id)).toEqual([securityId]);
      expect((await awsError(ct.send(new RegisterOrganizationDelegatedAdminCommand({ MemberAccountId: securityId })))).name).toBe('AccountRegisteredException');
      expect((await awsError(ct.send(new RegisterOrganizationDelegatedAdminCommand({ MemberAccountId: '999999999999' })))).name).toBe('AccountNotFoundException');
    });

    it('an organization trail needs the management account or the delegated admin, and belongs to the management account', async () => {
      for (const [creds, bucket] of [[member, `trail-${memberId}`], [security, `trail-${securityId}`]] as const) {
        await new S3Client({ ...sdkConfig(emu, { region, credentials: creds }), forcePathStyle: true }).send(
          new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: region } }),
        );
      }
      const denied = await awsError(
        new CloudTrailClient(sdkConfig(emu, { region, credentials: member })).send(new CreateTrailCommand({ Name: trailName, S3BucketName: `trail-${memberId}`, IsOrganizationTrail: true })),
      );
      expect(denied.name).toBe('NotOrganizationMasterAccountException');

      const ct = new CloudTrailClient(sdkConfig(emu, { region, credentials: security }));
      const created = await ct.send(new CreateTrailCommand({ Name: trailName, S3BucketName: `trail-${securityId}`, IsOrganizationTrail: true, IsMultiRegionTrail: true }));
      const arn = `arn:aws:cloudtrail:${region}:${mgmtId}:trail/${trailName}`;
      expect(created.TrailARN).toBe(arn);
      await ct.send(new StartLoggingCommand({ Name: arn }));
      expect((await ct.send(new GetTrailStatusCommand({ Name: arn }))).IsLogging).toBe(true);
      expect((await ct.send(new GetTrailCommand({ Name: arn }))).Trail).toMatchObject({ IsOrganizationTrail: true, TrailARN: arn });
      await ct.send(new DeleteTrailCommand({ Name: arn }));
      expect((await awsError(ct.send(new GetTrailCommand({ Name: trailName })))).name).toBe('TrailNotFoundException');
    });

    it('deregisters the delegated admin', async () => {
      const ct = new CloudTrailClient(sdkConfig(emu, { region }));
      await ct.send(new DeregisterOrganizationDelegatedAdminCommand({ DelegatedAdminAccountId: securityId }));
      expect((await awsError(ct.send(new DeregisterOrganizationDelegatedAdminCommand({ DelegatedAdminAccountId: securityId })))).name).toBe('AccountNotRegisteredException');
      await ct.send(new RegisterOrganizationDelegatedAdminCommand({ MemberAccountId: securityId }));
    });
  });

  describe('guardduty: delegated admin and organization configuration', () => {
    it('enables the admin from the management account, registering it in Organizations', async () => {
      expect((await awsError(new GuardDutyClient(sdkConfig(emu, { region, credentials: member })).send(new EnableOrganizationAdminAccountCommand({ AdminAccountId: securityId })))).name).toBe(
        'BadRequestException',
      );
      const gd = new GuardDutyClient(sdkConfig(emu, { region }));
      await gd.send(new EnableOrganizationAdminAccountCommand({ AdminAccountId: securityId }));
      expect((await gd.send(new ListOrganizationAdminAccountsCommand({}))).AdminAccounts).toEqual([{ AdminAccountId: securityId, AdminStatus: 'ENABLED' }]);
      const admins = await new OrganizationsClient(sdkConfig(emu)).send(new ListDelegatedAdministratorsCommand({ ServicePrincipal: 'guardduty.amazonaws.com' }));
      expect(admins.DelegatedAdministrators!.map((a) => a.Id)).toEqual([securityId]);
    });

    it('lets only the delegated admin describe and update the organization configuration', async () => {
      const gd = new GuardDutyClient(sdkConfig(emu, { region, credentials: security }));
      const { DetectorId } = await gd.send(new CreateDetectorCommand({ Enable: true }));
      expect((await gd.send(new DescribeOrganizationConfigurationCommand({ DetectorId }))).AutoEnableOrganizationMembers).toBe('NONE');
      await gd.send(new UpdateOrganizationConfigurationCommand({ DetectorId, AutoEnableOrganizationMembers: 'ALL' }));
      const described = await gd.send(new DescribeOrganizationConfigurationCommand({ DetectorId }));
      expect(described).toMatchObject({ AutoEnableOrganizationMembers: 'ALL', AutoEnable: true, MemberAccountLimitReached: false });

      const memberGd = new GuardDutyClient(sdkConfig(emu, { region, credentials: member }));
      const memberDetector = (await memberGd.send(new CreateDetectorCommand({ Enable: true }))).DetectorId;
      expect((await awsError(memberGd.send(new DescribeOrganizationConfigurationCommand({ DetectorId: memberDetector })))).name).toBe('BadRequestException');
    });

    it('lists a detector\'s filters a page at a time (ListFilters), and refuses an unknown detector', async () => {
      const gd = new GuardDutyClient(sdkConfig(emu, { region, credentials: security }));
      const { DetectorId } = await gd.send(new CreateDetectorCommand({ Enable: true }));
      expect((await gd.send(new ListFiltersCommand({ DetectorId }))).FilterNames).toEqual([]);
      for (const Name of ['third', 'first', 'second']) {
        await gd.send(new CreateFilterCommand({ DetectorId, Name, Action: 'ARCHIVE', FindingCriteria: { Criterion: { type: { Equals: ['Recon:EC2/PortProbeUnprotectedPort'] } } } }));
      }
      const first = await gd.send(new ListFiltersCommand({ DetectorId, MaxResults: 2 }));
      expect(first).toMatchObject({ FilterNames: ['first', 'second'], NextToken: expect.any(String) });
      const pages = [];
      for await (const page of paginateListFilters({ client: gd, pageSize: 1 }, { DetectorId })) pages.push(page.FilterNames);
      expect(pages).toEqual([['first'], ['second'], ['third']]);
      expect((await awsError(gd.send(new ListFiltersCommand({ DetectorId: 'not-a-detector' })))).name).toBe('BadRequestException');
      expect((await awsError(gd.send(new ListFiltersCommand({ DetectorId, MaxResults: 51 })))).name).toBe('BadRequestException');
    });

    it('disables the admin', async () => {
      const gd = new GuardDutyClient(sdkConfig(emu, { region }));
      await gd.send(new DisableOrganizationAdminAccountCommand({ AdminAccountId: securityId }));
      expect((await gd.send(new ListOrganizationAdminAccountsCommand({}))).AdminAccounts).toEqual([]);
      expect((await awsError(gd.send(new DisableOrganizationAdminAccountCommand({ AdminAccountId: securityId })))).name).toBe('BadRequestException');
    });
  });

  describe('config: organization managed rules', () => {
    const name = 'rootlock-root-account-mfa-enabled';
    it('refuses an account that is not the delegated admin for config-multiaccountsetup', async () => {
      const err = await awsError(
        new ConfigServiceClient(sdkConfig(emu, { region, credentials: security })).send(
          new PutOrganizationConfigRuleCommand({ OrganizationConfigRuleName: name, OrganizationManagedRuleMetadata: { RuleIdentifier: 'ROOT_ACCOUNT_MFA_ENABLED' } }),
        ),
      );
      expect(err.name).toBe('OrganizationAccessDeniedException');
    });

    it('creates the rule from the delegated admin, deploys it to member accounts, and deletes it', async () => {
      await new OrganizationsClient(sdkConfig(emu)).send(new RegisterDelegatedAdministratorCommand({ AccountId: securityId, ServicePrincipal: 'config-multiaccountsetup.amazonaws.com' }));
      const cfg = new ConfigServiceClient(sdkConfig(emu, { region, credentials: security }));
      const put = await cfg.send(
        new PutOrganizationConfigRuleCommand({
          OrganizationConfigRuleName: name,
          OrganizationManagedRuleMetadata: { RuleIdentifier: 'ROOT_ACCOUNT_MFA_ENABLED', MaximumExecutionFrequency: 'TwentyFour_Hours' },
        }),
      );
      expect(put.OrganizationConfigRuleArn).toMatch(new RegExp(`^arn:aws:config:${region}:${mgmtId}:organization-config-rule/${name}-[a-z0-9]{8}$`));
      const statuses = await cfg.send(new DescribeOrganizationConfigRuleStatusesCommand({ OrganizationConfigRuleNames: [name] }));
      expect(statuses.OrganizationConfigRuleStatuses).toEqual([expect.objectContaining({ OrganizationConfigRuleName: name, OrganizationRuleStatus: 'CREATE_SUCCESSFUL' })]);
      const rules = await cfg.send(new DescribeOrganizationConfigRulesCommand({ OrganizationConfigRuleNames: [name] }));
      expect(rules.OrganizationConfigRules![0].OrganizationManagedRuleMetadata).toMatchObject({ RuleIdentifier: 'ROOT_ACCOUNT_MFA_ENABLED' });

      const memberRules = await new ConfigServiceClient(sdkConfig(emu, { region, credentials: member })).send(new DescribeConfigRulesCommand({}));
      expect(memberRules.ConfigRules!.map((r) => r.ConfigRuleName)).toEqual([expect.stringMatching(new RegExp(`^OrgConfigRule-${name}-`))]);

      expect((await awsError(cfg.send(new DescribeOrganizationConfigRulesCommand({ OrganizationConfigRuleNames: ['nope'] })))).name).toBe('NoSuchOrganizationConfigRuleException');
      await cfg.send(new DeleteOrganizationConfigRuleCommand({ OrganizationConfigRuleName: name }));
      expect((await cfg.send(new DescribeOrganizationConfigRulesCommand({}))).OrganizationConfigRules).toEqual([]);
    });
  });

  describe('logs: TestMetricFilter and pattern validation', () => {
    const ct = (e: Record<string, unknown>) => JSON.stringify({ eventVersion: '1.09', eventType: 'AwsApiCall', awsRegion: 'us-east-1', ...e });
    const test = async (filterPattern: string, logEventMessages: string[]) =>
      (await new CloudWatchLogsClient(sdkConfig(emu)).send(new TestMetricFilterCommand({ filterPattern, logEventMessages }))).matches!.map((m) => m.eventNumber);

    it('returns matches with eventNumber, eventMessage and extractedValues', async () => {
      const msgs = [ct({ eventName: 'StopLogging' }), 'not json'];
      const out = await new CloudWatchLogsClient(sdkConfig(emu)).send(new TestMetricFilterCommand({ filterPattern: '{ $.eventName = "StopLogging" }', logEventMessages: msgs }));
      expect(out.matches).toEqual([{ eventNumber: 1, eventMessage: msgs[0], extractedValues: {} }]);
      const spaced = await new CloudWatchLogsClient(sdkConfig(emu)).send(new TestMetricFilterCommand({ filterPattern: '[ip, user, ..., status = 4*, bytes > 10]', logEventMessages: ['10.0.0.1 bob GET /x 404 512', '10.0.0.1 bob GET /x 200 512'] }));
      expect(spaced.matches).toEqual([{ eventNumber: 1, eventMessage: '10.0.0.1 bob GET /x 404 512', extractedValues: { $ip: '10.0.0.1', $user: 'bob', $status: '404', $bytes: '512' } }]);
    });

    it('implements the JSON syntax: &&, ||, parentheses, wildcards, NOT EXISTS, IS NULL, numbers', async () => {
      const events = [
        ct({ userIdentity: { type: 'Root' }, eventName: 'ConsoleLogin', code: 404, latency: 12.5, note: null }),
        ct({ userIdentity: { type: 'Root', invokedBy: 'support.amazonaws.com' }, eventName: 'GetUser', code: 200 }),
        ct({ userIdentity: { type: 'IAMUser' }, eventName: 'AssumeRole', eventType: 'AwsServiceEvent' }),
      ];
      expect(await test('{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS }', events)).toEqual([1]);
      expect(await test('{ ($.eventName = "GetUser") || ($.eventName = "AssumeRole" && $.eventType = "AwsServiceEvent") }', events)).toEqual([2, 3]);
      expect(await test('{ $.eventName = "Con*" || $.eventName = *Role }', events)).toEqual([1, 3]);
      expect(await test('{ $.code = 4* }', events)).toEqual([1]);
      expect(await test('{ $.code >= 200 && $.code < 300 }', events)).toEqual([2]);
      expect(await test('{ $.latency > 10 }', events)).toEqual([1]);
      expect(await test('{ $.note IS NULL }', events)).toEqual([1]);
      expect(await test('{ $.eventType != "AwsServiceEvent" }', events)).toEqual([1, 2]);
      // A comparison on an absent field is false for != too.
      expect(await test('{ $.missing != "x" }', events)).toEqual([]);
      expect(await test('ConsoleLogin', events)).toEqual([1]);
      expect(await test('', ['anything'])).toEqual([1]);
    });

    it('matches every metric detection of the catalog against a CloudTrail event it must catch, and not one it must ignore', async () => {
      const model = resolveModel(loadConfigFile(DEFAULT_CONFIG));
      const bg = model.breakGlass.roleName;
      const samples: Record<string, { hit: Record<string, unknown>; miss: Record<string, unknown> }> = {
        'root-usage': {
          hit: { userIdentity: { type: 'Root', arn: 'arn:aws:iam::111111111111:root' }, eventSource: 'iam.amazonaws.com', eventName: 'CreateUser' },
          miss: { userIdentity: { type: 'Root', sessionContext: { assumedRoot: 'true' } }, eventSource: 'iam.amazonaws.com', eventName: 'DeleteLoginProfile' },
        },
        'root-task-session': {
          // A write of a task session (CloudTrail records readOnly false): its reads change nothing and do not page.
          hit: { userIdentity: { type: 'Root', sessionContext: { assumedRoot: 'true' } }, eventSource: 'iam.amazonaws.com', eventName: 'DeleteLoginProfile', readOnly: false },
          miss: { userIdentity: { type: 'Root' }, eventSource: 'iam.amazonaws.com', eventName: 'CreateUser' },
        },
        'break-glass-assumed': {
          hit: { eventSource: 'sts.amazonaws.com', eventName: 'AssumeRole', requestParameters: { roleArn: `arn:aws:iam::444444444444:role/${bg}` } },
          miss: { eventSource: 'sts.amazonaws.com', eventName: 'AssumeRole', requestParameters: { roleArn: 'arn:aws:iam::444444444444:role/deployer' } },
        },
        'trail-tampering': { hit: { eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging' }, miss: { eventSource: 'cloudtrail.amazonaws.com', eventName: 'StartLogging' } },
        'scp-changed': { hit: { eventSource: 'organizations.amazonaws.com', eventName: 'DetachPolicy' }, miss: { eventSource: 'organizations.amazonaws.com', eventName: 'AttachPolicy' } },
        'root-access-disabled': {
          hit: { eventSource: 'organizations.amazonaws.com', eventName: 'DisableAWSServiceAccess' },
          miss: { eventSource: 'iam.amazonaws.com', eventName: 'EnableOrganizationsRootSessions' },
        },
        'cis-root-usage': {
          hit: { userIdentity: { type: 'Root', sessionContext: { assumedRoot: 'true' } }, eventSource: 'iam.amazonaws.com', eventName: 'DeleteLoginProfile' },
          miss: { userIdentity: { type: 'Root', invokedBy: 'support.amazonaws.com' }, eventSource: 'iam.amazonaws.com', eventName: 'CreateServiceLinkedRole' },
        },
        'kms-key-disabled': {
          hit: { eventSource: 'kms.amazonaws.com', eventName: 'ScheduleKeyDeletion', recipientAccountId: model.security.id },
          miss: { eventSource: 'kms.amazonaws.com', eventName: 'ScheduleKeyDeletion', recipientAccountId: '444444444444' },
        },
        'account-moved': { hit: { eventSource: 'organizations.amazonaws.com', eventName: 'MoveAccount' }, miss: { eventSource: 'organizations.amazonaws.com', eventName: 'ListParents' } },
        'account-left-organization': { hit: { eventSource: 'organizations.amazonaws.com', eventName: 'LeaveOrganization' }, miss: { eventSource: 'organizations.amazonaws.com', eventName: 'DescribeOrganization' } },
        'account-joined': { hit: { eventSource: 'organizations.amazonaws.com', eventName: 'InviteAccountToOrganization' }, miss: { eventSource: 'organizations.amazonaws.com', eventName: 'ListAccounts' } },
        'org-policy-attachment-changed': {
          hit: { eventSource: 'organizations.amazonaws.com', eventName: 'DetachPolicy', requestParameters: { policyId: 'p-1', targetId: 'ou-ex12-workprod1' } },
          miss: { eventSource: 'organizations.amazonaws.com', eventName: 'AttachPolicy', requestParameters: { policyId: 'p-1', targetId: '444444444444' } },
        },
      };
      // The trust-model and root hand-back detections: a recorded sample each (detections/samples), against a near miss.
      for (const id of RECORDED) samples[id] = { hit: samplesFor(id)[0].detail, miss: NEAR_MISSES[id] };
      const metricDetections = model.detections.filter((d) => d.metric);
      expect(metricDetections.map((d) => d.id).sort()).toEqual(Object.keys(samples).sort());
      for (const d of metricDetections) {
        const s = samples[d.id];
        expect({ id: d.id, matched: await test(d.metric!.pattern, [ct(s.hit), ct(s.miss)]) }).toEqual({ id: d.id, matched: [1] });
      }
    });

    it('rejects an invalid pattern in TestMetricFilter and PutMetricFilter', async () => {
      const logs = new CloudWatchLogsClient(sdkConfig(emu));
      expect((await awsError(logs.send(new TestMetricFilterCommand({ filterPattern: '{ $.a = ', logEventMessages: ['{}'] })))).name).toBe('InvalidParameterException');
      await logs.send(new CreateLogGroupCommand({ logGroupName: 'g' }));
      const err = await awsError(
        logs.send(new PutMetricFilterCommand({ logGroupName: 'g', filterName: 'f', filterPattern: '{ ($.a = "x" }', metricTransformations: [{ metricName: 'M', metricNamespace: 'N', metricValue: '1' }] })),
      );
      expect(err).toMatchObject({ name: 'InvalidParameterException', message: expect.stringMatching(/Invalid metric filter pattern/) });
    });
  });

  describe('events: TestEventPattern and rule tags', () => {
    const event = (source: string, detail: Record<string, unknown>, detailType = 'AWS API Call via CloudTrail') =>
      JSON.stringify({ id: '1', account: '444444444444', source, time: '2025-01-01T00:00:00Z', region: 'us-east-1', resources: [], 'detail-type': detailType, detail });
    const matches = async (pattern: unknown, ev: string) => (await new EventBridgeClient(sdkConfig(emu)).send(new TestEventPatternCommand({ EventPattern: JSON.stringify(pattern), Event: ev }))).Result;

    it('supports $or, exists, prefix, suffix and wildcard', async () => {
      const ev = event('aws.sts', { eventName: 'AssumeRole', userIdentity: { type: 'Root' }, requestParameters: { roleArn: 'arn:aws:iam::1:role/rootlock-break-glass' } });
      expect(await matches({ detail: { requestParameters: { roleArn: [{ suffix: ':role/rootlock-break-glass' }] } } }, ev)).toBe(true);
      expect(await matches({ detail: { requestParameters: { roleArn: [{ suffix: ':role/other' }] } } }, ev)).toBe(false);
      expect(await matches({ detail: { eventName: [{ prefix: 'Assume' }] } }, ev)).toBe(true);
      expect(await matches({ detail: { requestParameters: { roleArn: [{ wildcard: 'arn:aws:iam::*:role/rootlock-*' }] } } }, ev)).toBe(true);
      expect(await matches({ detail: { userIdentity: { invokedBy: [{ exists: false }] } } }, ev)).toBe(true);
      expect(await matches({ detail: { userIdentity: { type: [{ exists: false }] } } }, ev)).toBe(false);
      expect(await matches({ $or: [{ source: ['aws.signin'] }, { detail: { userIdentity: { type: ['Root'] } } }] }, ev)).toBe(true);
      expect(await matches({ $or: [{ source: ['aws.signin'] }, { detail: { userIdentity: { type: ['IAMUser'] } } }] }, ev)).toBe(false);
    });

    it('matches every event detection of the catalog', async () => {
      const model = resolveModel(loadConfigFile(DEFAULT_CONFIG));
      const bg = model.breakGlass.roleName;
      const hits: Record<string, string> = {
        'root-console-sign-in': event('aws.signin', { userIdentity: { type: 'Root' }, eventName: 'ConsoleLogin' }, 'AWS Console Sign In via CloudTrail'),
        'root-usage': event('aws.iam', { userIdentity: { type: 'Root' }, eventName: 'CreateUser' }),
        'root-task-session': event('aws.sts', { eventName: 'AssumeRoot', userIdentity: { type: 'IAMUser' } }),
        'break-glass-assumed': event('aws.sts', { eventName: 'AssumeRole', requestParameters: { roleArn: `arn:aws:iam::1:role/${bg}` } }),
        'guardduty-root-credential-usage': event('aws.guardduty', { type: 'Policy:IAMUser/RootCredentialUsage' }, 'GuardDuty Finding'),
        'config-root-rule-noncompliant': event(
          'aws.config',
          { configRuleName: 'OrgConfigRule-rootlock-root-account-mfa-enabled-ab12cd34', newEvaluationResult: { complianceType: 'NON_COMPLIANT' } },
          'Config Rules Compliance Change',
        ),
        drill: event('rootlock.drill', { marker: 'rootlock-drill', runId: 'rootlock-drill-20261130T184000Z-a1b2' }, 'rootlock drill'),
        'kms-key-disabled': event('aws.kms', { eventSource: 'kms.amazonaws.com', eventName: 'DisableKey' }),
        'forwarding-failed': event('aws.cloudwatch', { alarmName: 'rootlock-forwarding-dlq-not-empty', state: { value: 'ALARM' } }, 'CloudWatch Alarm State Change'),
        'account-moved': event('aws.organizations', { eventSource: 'organizations.amazonaws.com', eventName: 'MoveAccount' }),
        'account-left-organization': event('aws.organizations', { eventSource: 'organizations.amazonaws.com', eventName: 'RemoveAccountFromOrganization' }),
        'account-joined': event('aws.organizations', { eventSource: 'organizations.amazonaws.com', eventName: 'CreateAccount' }),
        'org-policy-attachment-changed': event('aws.organizations', { eventSource: 'organizations.amazonaws.com', eventName: 'AttachPolicy', requestParameters: { targetId: 'r-ex12' } }),
        'refused-break-glass': event('aws.sts', { eventName: 'AssumeRole', errorCode: 'AccessDenied', requestParameters: { roleArn: `arn:aws:iam::1:role/${bg}` } }),
        'trail-tampering': event('aws.cloudtrail', { eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging' }),
        'scp-changed': event('aws.organizations', { eventSource: 'organizations.amazonaws.com', eventName: 'DetachPolicy' }),
        'root-access-disabled': event('aws.iam', { eventSource: 'iam.amazonaws.com', eventName: 'DisableOrganizationsRootSessions' }),
        // The trust-model and root hand-back detections: their recorded samples (detections/samples).
        ...Object.fromEntries(RECORDED.map((id) => [id, JSON.stringify(samplesFor(id)[0])])),
      };
      const miss = event('aws.iam', { userIdentity: { type: 'IAMUser' }, eventName: 'CreateUser' });
      // The generated tamper rules are proven one by one in silence-emulator.test.ts.
      const withEvents = model.detections.filter((d) => d.event && !d.id.startsWith('tamper-'));
      expect(withEvents.map((d) => d.id).sort()).toEqual(Object.keys(hits).sort());
      for (const d of withEvents) {
        expect({ id: d.id, hit: await matches(d.event!.pattern, hits[d.id]), miss: await matches(d.event!.pattern, miss) }).toEqual({ id: d.id, hit: true, miss: false });
      }
      // A root task session (sts:AssumeRoot) is not "root usage".
      const task = event('aws.iam', { userIdentity: { type: 'Root', sessionContext: { assumedRoot: 'true' } }, eventName: 'DeleteLoginProfile' });
      expect(await matches(model.detections.find((d) => d.id === 'root-usage')!.event!.pattern, task)).toBe(false);
    });

    it('keeps the tags of same-named rules on the default bus and a custom bus apart', async () => {
      const eb = new EventBridgeClient(sdkConfig(emu, { region }));
      await eb.send(new CreateEventBusCommand({ Name: 'central' }));
      const pattern = JSON.stringify({ source: ['aws.signin'] });
      const onDefault = (await eb.send(new PutRuleCommand({ Name: 'same-name', EventPattern: pattern, Tags: [{ Key: 'Stack', Value: 'baseline' }] }))).RuleArn!;
      const onCustom = (await eb.send(new PutRuleCommand({ Name: 'same-name', EventBusName: 'central', EventPattern: pattern, Tags: [{ Key: 'Stack', Value: 'security' }] }))).RuleArn!;
      expect(onCustom).toMatch(/:rule\/central\/same-name$/);
      await eb.send(new TagResourceCommand({ ResourceARN: onDefault, Tags: [{ Key: 'Extra', Value: '1' }] }));
      expect((await eb.send(new ListTagsForResourceCommand({ ResourceARN: onCustom }))).Tags).toEqual([{ Key: 'Stack', Value: 'security' }]);
      expect((await eb.send(new ListTagsForResourceCommand({ ResourceARN: onDefault }))).Tags).toEqual([
        { Key: 'Stack', Value: 'baseline' },
        { Key: 'Extra', Value: '1' },
      ]);
      const missing = await awsError(eb.send(new ListTagsForResourceCommand({ ResourceARN: onCustom.replace('same-name', 'nope') })));
      expect(missing.name).toBe('ResourceNotFoundException');
    });

    it('rejects an invalid pattern or event', async () => {
      const eb = new EventBridgeClient(sdkConfig(emu));
      expect((await awsError(eb.send(new TestEventPatternCommand({ EventPattern: '{"source": "x"}', Event: event('a', {}) })))).name).toBe('InvalidEventPatternException');
      expect((await awsError(eb.send(new TestEventPatternCommand({ EventPattern: '{}', Event: '{"a":1}' })))).name).toBe('InvalidEventPatternException');
    });
  });

  describe('sns: no internet', () => {
    it('publishing to a topic with an https subscriber on the internet returns at once', async () => {
      const sns = new SNSClient(sdkConfig(emu, { region }));
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'rootlock-alerts' }));
      await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'https', Endpoint: 'https://events.pagerduty.com/integration/x/enqueue' }));
      await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'email', Endpoint: 'oncall@example.com' }));
      const started = Date.now();
      const out = await sns.send(new PublishCommand({ TopicArn, Message: 'root signed in' }));
      expect(out.MessageId).toBeTruthy();
      expect(Date.now() - started).toBeLessThan(3000);
    });
  });
});

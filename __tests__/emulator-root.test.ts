/**
 * The emulator's sts:AssumeRoot and root-user IAM (emulator/ext_sts.py, ext_iam_root.py), against the STS API reference:
 * who may call it, its limits, that the session acts as the member's root user, and that the task policy scopes it.
 */
import { CreateAccessKeyCommand, CreateLoginProfileCommand, DeleteLoginProfileCommand, EnableOrganizationsRootSessionsCommand, GetLoginProfileCommand, IAMClient, ListAccessKeysCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { CreateAccountCommand, CreateOrganizationCommand, EnableAWSServiceAccessCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRootCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { taskPolicyArn } from '../config/root-tasks';
import { assumeAccount, AwsCredentials, Emulator, sdkConfig, startEmulator } from './support/emulator';
import { describeWithTools } from './support/tools';

describeWithTools(['moto_server'], 'the emulator AssumeRoot tests')('emulator: sts:AssumeRoot and the root user', () => {
  let emu: Emulator;
  let member = '';
  let mgmt = '';
  const sts = () => new STSClient(sdkConfig(emu, { region: 'eu-west-1' }));
  const session = async (task: Parameters<typeof taskPolicyArn>[0], target = member): Promise<AwsCredentials> => {
    const c = (await sts().send(new AssumeRootCommand({ TargetPrincipal: target, TaskPolicyArn: { arn: taskPolicyArn(task) } }))).Credentials!;
    return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken };
  };
  const iam = (credentials: AwsCredentials) => new IAMClient(sdkConfig(emu, { credentials }));

  beforeAll(async () => {
    emu = (await startEmulator())!;
    const org = new OrganizationsClient(sdkConfig(emu));
    mgmt = (await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }))).Organization!.MasterAccountId!;
    member = (await org.send(new CreateAccountCommand({ AccountName: 'member', Email: 'member@example.com' }))).CreateAccountStatus!.AccountId!;
    await org.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'iam.amazonaws.com' }));
  });
  afterAll(async () => emu?.stop());

  it('refuses without RootSessions, then grants a session that acts as the member root user', async () => {
    await expect(session('IAMAuditRootUserCredentials')).rejects.toMatchObject({ name: 'AccessDenied', message: expect.stringContaining('RootSessions') });
    await new IAMClient(sdkConfig(emu)).send(new EnableOrganizationsRootSessionsCommand({}));
    const creds = await session('IAMAuditRootUserCredentials');
    const me = await new STSClient(sdkConfig(emu, { region: 'eu-west-1', credentials: creds })).send(new GetCallerIdentityCommand({}));
    expect({ Account: me.Account, Arn: me.Arn }).toEqual({ Account: member, Arn: `arn:aws:iam::${member}:root` });
    await expect(iam(creds).send(new GetLoginProfileCommand({}))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
    expect((await iam(creds).send(new ListAccessKeysCommand({}))).AccessKeyMetadata).toEqual([]);
  });

  it('follows the API limits: at most 900 seconds, a root-task policy, a member of the caller organization, not the management account', async () => {
    await expect(sts().send(new AssumeRootCommand({ TargetPrincipal: member, TaskPolicyArn: { arn: taskPolicyArn('IAMAuditRootUserCredentials') }, DurationSeconds: 901 }))).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(sts().send(new AssumeRootCommand({ TargetPrincipal: member, TaskPolicyArn: { arn: 'arn:aws:iam::aws:policy/AdministratorAccess' } }))).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(session('IAMAuditRootUserCredentials', mgmt)).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(session('IAMAuditRootUserCredentials', '210987654321')).rejects.toMatchObject({ name: 'AccessDenied' });
    // A member account is neither the management account nor IAM's delegated administrator.
    const memberCreds = await assumeAccount(emu, member);
    await expect(
      new STSClient(sdkConfig(emu, { region: 'eu-west-1', credentials: memberCreds })).send(new AssumeRootCommand({ TargetPrincipal: member, TaskPolicyArn: { arn: taskPolicyArn('IAMAuditRootUserCredentials') } })),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('scopes each session by its task policy, and acts on the root user only', async () => {
    const audit = await session('IAMAuditRootUserCredentials');
    await expect(iam(audit).send(new CreateLoginProfileCommand({}))).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(iam(audit).send(new ListUsersCommand({}))).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(iam(audit).send(new ListAccessKeysCommand({ UserName: 'someone' }))).rejects.toMatchObject({ name: 'AccessDenied' });
    const create = await session('IAMCreateRootUserPassword');
    await iam(create).send(new CreateLoginProfileCommand({}));
    await expect(iam(create).send(new CreateAccessKeyCommand({}))).rejects.toMatchObject({ name: 'AccessDenied' });
    expect((await iam(audit).send(new GetLoginProfileCommand({}))).LoginProfile).toBeDefined();
    await iam(await session('IAMDeleteRootUserCredentials')).send(new DeleteLoginProfileCommand({}));
    await expect(iam(audit).send(new GetLoginProfileCommand({}))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
    // The root user signed in (harness) manages its own keys; IAM users are untouched.
    const signIn: any = await (await fetch(`${emu.endpoint}/moto-api/rootlock/root-sign-in?accountId=${member}`, { method: 'POST' })).json();
    const key = (await iam({ accessKeyId: signIn.AccessKeyId, secretAccessKey: signIn.SecretAccessKey }).send(new CreateAccessKeyCommand({}))).AccessKey!;
    expect((await iam(audit).send(new ListAccessKeysCommand({}))).AccessKeyMetadata!.map((k) => k.AccessKeyId)).toEqual([key.AccessKeyId]);
    expect((await iam(await assumeAccount(emu, member)).send(new ListUsersCommand({}))).Users).toEqual([]);
  });
});

/**
 * The emulator's account creation (emulator/ext_organizations_accounts.py) as AWS does it: CreateAccount answers
 * IN_PROGRESS, DescribeCreateAccountStatus goes from IN_PROGRESS to SUCCEEDED with the account id, the new account
 * has OrganizationAccountAccessRole trusting the management account, and it starts at the root.
 */
import { CreateAccountCommand, CreateOrganizationCommand, DescribeCreateAccountStatusCommand, ListParentsCommand, ListRootsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { assumeAccount, Emulator, sdkConfig, startEmulator } from './support/emulator';
import { describeWithTools } from './support/tools';

describeWithTools(['moto_server'], 'the emulator account-creation test')('emulator: CreateAccount as AWS does it', () => {
  jest.setTimeout(60_000);
  let emu: Emulator;
  beforeAll(async () => {
    emu = (await startEmulator())!;
  });
  afterAll(async () => emu?.stop());

  it('IN_PROGRESS, then SUCCEEDED with the id; born at the root with OrganizationAccountAccessRole', async () => {
    const org = new OrganizationsClient(sdkConfig(emu));
    const mgmt = (await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }))).Organization!.MasterAccountId!;
    const root = (await org.send(new ListRootsCommand({}))).Roots![0].Id!;
    const created = (await org.send(new CreateAccountCommand({ AccountName: 'new', Email: 'new@example.com' }))).CreateAccountStatus!;
    expect(created.State).toBe('IN_PROGRESS');
    const first = (await org.send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: created.Id! }))).CreateAccountStatus!;
    expect(first.State).toBe('IN_PROGRESS');
    expect(first.AccountId).toBeUndefined();
    const then = (await org.send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: created.Id! }))).CreateAccountStatus!;
    expect(then.State).toBe('SUCCEEDED');
    expect(then.AccountId).toMatch(/^\d{12}$/);
    expect((await org.send(new ListParentsCommand({ ChildId: then.AccountId! }))).Parents![0].Id).toBe(root);
    const creds = await assumeAccount(emu, then.AccountId!);
    const role = (await new IAMClient(sdkConfig(emu, { credentials: creds })).send(new GetRoleCommand({ RoleName: 'OrganizationAccountAccessRole' }))).Role!;
    expect(JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument!)).Statement[0].Principal.AWS).toBe(`arn:aws:iam::${mgmt}:root`);
    expect(emu.log()).toContain(`rootlock-emulator organizations CreateAccount ${then.AccountId} parent ${root}`);
    org.destroy();
  });
});

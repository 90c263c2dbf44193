/**
 * The Organizations gaps the placement work depends on (emulator/ext_organizations.py), through the AWS SDK:
 * DisablePolicyType detaches every policy of the type, as AWS does; MoveAccount moves only from the account's real
 * parent and never to where it already is.
 */
import {
  AttachPolicyCommand,
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  CreatePolicyCommand,
  DisablePolicyTypeCommand,
  EnablePolicyTypeCommand,
  ListParentsCommand,
  ListPoliciesForTargetCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { Emulator, sdkConfig, startEmulator } from './support/emulator';
import { describeWithTools } from './support/tools';

describeWithTools(['moto_server'], 'the Organizations emulator tests')('emulator: Organizations placement gaps (ext_organizations.py)', () => {
  let emu: Emulator;
  let org: OrganizationsClient;
  let root: string;
  let ou: string;
  let account: string;

  beforeAll(async () => {
    emu = (await startEmulator())!;
    org = new OrganizationsClient(sdkConfig(emu));
    await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    root = (await org.send(new ListRootsCommand({}))).Roots![0].Id!;
    ou = (await org.send(new CreateOrganizationalUnitCommand({ ParentId: root, Name: 'Workloads' }))).OrganizationalUnit!.Id!;
    account = (await org.send(new CreateAccountCommand({ AccountName: 'vended', Email: 'vended@example.com' }))).CreateAccountStatus!.AccountId!;
  }, 60_000);

  afterAll(async () => {
    await emu?.stop();
  });

  const error = async (p: Promise<unknown>) => p.then(() => 'succeeded', (e: Error) => e.name);

  it('DisablePolicyType detaches every policy of that type (not deleted), and only of that type', async () => {
    await org.send(new EnablePolicyTypeCommand({ RootId: root, PolicyType: 'TAG_POLICY' }));
    const tag = (await org.send(new CreatePolicyCommand({ Name: 'tags', Description: 'd', Type: 'TAG_POLICY', Content: '{"tags":{}}' }))).Policy!.PolicySummary!.Id!;
    await org.send(new AttachPolicyCommand({ PolicyId: tag, TargetId: root }));
    await org.send(new AttachPolicyCommand({ PolicyId: tag, TargetId: ou }));
    const scpsBefore = (await org.send(new ListPoliciesForTargetCommand({ TargetId: root, Filter: 'SERVICE_CONTROL_POLICY' }))).Policies!.length;
    await org.send(new DisablePolicyTypeCommand({ RootId: root, PolicyType: 'TAG_POLICY' }));
    for (const target of [root, ou]) {
      expect((await org.send(new ListPoliciesForTargetCommand({ TargetId: target, Filter: 'TAG_POLICY' }))).Policies).toEqual([]);
    }
    expect((await org.send(new ListPoliciesForTargetCommand({ TargetId: root, Filter: 'SERVICE_CONTROL_POLICY' }))).Policies!.length).toBe(scpsBefore);
  });

  it('MoveAccount moves from the real parent only, never to where the account already is', async () => {
    expect(await error(org.send(new MoveAccountCommand({ AccountId: account, SourceParentId: ou, DestinationParentId: root })))).toBe('SourceParentNotFoundException');
    expect(await error(org.send(new MoveAccountCommand({ AccountId: account, SourceParentId: root, DestinationParentId: root })))).toBe('DuplicateAccountException');
    await org.send(new MoveAccountCommand({ AccountId: account, SourceParentId: root, DestinationParentId: ou }));
    expect((await org.send(new ListParentsCommand({ ChildId: account }))).Parents).toEqual([{ Id: ou, Type: 'ORGANIZATIONAL_UNIT' }]);
  });
});

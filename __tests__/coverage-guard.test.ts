/**
 * A baseline refuses to apply when its account is not covered: planned against an organization whose root carries no
 * root-coverage SCP (the management stack never ran), the plan fails on the precondition, naming the account and the
 * fix; once the SCP is attached at the root (as the management stack does), the same plan passes.
 */
import * as path from 'path';
import { AttachPolicyCommand, CreatePolicyCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { loadConfigFile } from '../config/load';
import { resolveModel } from '../config/model';
import { SCP_NAMES } from '../config/contract';
import { writeOutput } from '../output';
import { startEmulator, sdkConfig } from './support/emulator';
import { createEmulatorOrg, writeEmulatorOrgConfig } from './support/emulator-org';
import { describeResult, scratchDir, terraformInit, terraformPlan } from './support/terraform';
import { describeWithTools } from './support/tools';

describeWithTools(['terraform', 'moto_server'], 'the coverage guard test')('the baseline coverage guard against the emulator', () => {
  jest.setTimeout(600_000);

  it('fails the baseline plan while rootlock-root-coverage is not at the root, passes once it is', async () => {
    const emu = (await startEmulator())!;
    try {
      const ids = await createEmulatorOrg(emu);
      const work = scratchDir('coverage-guard');
      const model = resolveModel(loadConfigFile(writeEmulatorOrgConfig(ids, work)));
      const stack = 'baseline-payments-prod';
      writeOutput(model, { outdir: path.join(work, 'cdktf.out'), stacks: [stack] });
      const dir = path.join(work, 'cdktf.out', 'stacks', stack);
      const init = await terraformInit(dir, emu.env);
      if (init.code !== 0) throw new Error(describeResult(init));

      const refused = await terraformPlan(dir, emu.env, { detailedExitcode: true });
      expect(refused.code).toBe(1);
      expect(refused.stderr.replace(/\s+/g, ' ')).toContain(
        `rootlock coverage: ${SCP_NAMES.rootCoverage} is not attached at the organization root, so nothing is sure to deny the root user of payments-prod (${ids.payments})`,
      );

      const org = new OrganizationsClient(sdkConfig(emu));
      const scp = await org.send(
        new CreatePolicyCommand({ Name: SCP_NAMES.rootCoverage, Type: 'SERVICE_CONTROL_POLICY', Description: 'as the management stack attaches it', Content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' }] }) }),
      );
      await org.send(new AttachPolicyCommand({ PolicyId: scp.Policy!.PolicySummary!.Id!, TargetId: ids.root }));
      org.destroy();
      const passed = await terraformPlan(dir, emu.env, { detailedExitcode: true });
      if (passed.code !== 2) throw new Error(describeResult(passed));
    } finally {
      await emu.stop();
    }
  });
});

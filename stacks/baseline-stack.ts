/**
 * Baseline stack of one account (the management account included): its break-glass role, the rules forwarding its root
 * and break-glass activity to the central bus, and its AWS Config recorder. One stack per account, so the vending
 * pipeline can run `cdktf deploy baseline-<account>` for a new account alone.
 */
import { Construct } from 'constructs';
import type { AccountTarget, Model } from '../config/model';
import { RootlockStack } from '../modules/rootlock-stack';
import { BreakGlassRole } from '../modules/break-glass-role';
import { RootActivityForwarding } from '../modules/root-activity-forwarding';
import { ConfigRecorder } from '../modules/config-recorder';
import { JobRoles } from '../modules/job-roles';
import { CoverageGuard, needsCoverageGuard } from '../modules/coverage-guard';
import { MetricSharingRole } from '../modules/metric-sharing-role';

export class BaselineStack extends RootlockStack {
  constructor(scope: Construct, model: Model, account: AccountTarget) {
    super(scope, account.stackName, {
      model,
      accountId: account.id,
      deployRoleArn: account.deployRoleArn,
      purpose: `Account baseline of ${account.name} (${account.id}): break-glass role, root and break-glass activity forwarding, AWS Config recorder.`,
    });
    new BreakGlassRole(this, 'break_glass', { model, account });
    new RootActivityForwarding(this, 'forwarding', { model, account, providers: this });
    // The security account reads its own queues' metrics; every other account shares them with it.
    if (account.id !== model.security.id) new MetricSharingRole(this, 'metric_sharing', { model, account });
    if (model.monitoring.config) new ConfigRecorder(this, 'config_recorder', { model, account });
    new JobRoles(this, 'job_roles', { model, account });
    if (needsCoverageGuard(model, account)) new CoverageGuard(this, 'coverage', { model, account });
  }
}

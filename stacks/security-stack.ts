/**
 * Security stack, in the security account: the alarm pipeline every root sign-in, root call, root finding and
 * break-glass use goes through (organization trail, log group, metric filters, alarms, alert topic, central event bus,
 * GuardDuty, the central AWS Config bucket).
 */
import { Construct } from 'constructs';
import { DataAwsOrganizationsOrganization } from '@cdktf/provider-aws/lib/data-aws-organizations-organization';
import type { Model } from '../config/model';
import { RootlockStack } from '../modules/rootlock-stack';
import { AlertTopic } from '../modules/alert-topic';
import { OrganizationTrail } from '../modules/organization-trail';
import { RootAlarms } from '../modules/root-alarms';
import { CentralEventBus } from '../modules/central-event-bus';
import { PipelineWatch } from '../modules/pipeline-watch';
import { GuardDutyOrganization } from '../modules/guardduty-organization';
import { SecureBucket } from '../modules/secure-bucket';
import { configBucketPolicy } from '../policies/pipeline';

export class SecurityStack extends RootlockStack {
  constructor(scope: Construct, model: Model) {
    super(scope, model.stackNames.security, {
      model,
      accountId: model.security.id,
      deployRoleArn: model.security.deployRoleArn,
      purpose: 'Root-usage alarm pipeline in the security account: organization trail, metric filters and alarms, alert topic, central event bus, GuardDuty, AWS Config bucket.',
    });
    const organizationId = new DataAwsOrganizationsOrganization(this, 'organization').id;
    const alerts = new AlertTopic(this, 'alerts', { model, organizationId });
    const trail = new OrganizationTrail(this, 'organization_trail', { model, organizationId });
    new RootAlarms(this, 'alarms', { model, logGroupName: trail.logGroup.name, topicArn: alerts.topic.arn });
    new CentralEventBus(this, 'central_bus', { model, stack: this, organizationId, topicArn: alerts.topic.arn });
    new PipelineWatch(this, 'pipeline_watch', { model, logGroupName: trail.logGroup.name, topicArn: alerts.topic.arn });
    if (model.monitoring.guardDuty) new GuardDutyOrganization(this, 'guardduty');
    if (model.monitoring.config) {
      new SecureBucket(this, 'config_bucket', { name: model.pipeline.configBucketName, policy: configBucketPolicy(model, organizationId) });
    }
  }
}

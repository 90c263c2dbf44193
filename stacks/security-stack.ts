/**
 * Security stack, in the security account: the alarm pipeline every root sign-in, root call, root finding and
 * break-glass use goes through (organization trail, log group, metric filters, alarms, alert topic, central event bus,
 * GuardDuty, the central AWS Config bucket), and what auditors check (compliance topic, access-log bucket).
 */
import { Construct } from 'constructs';
import type { Model } from '../config/model';
import { RootlockStack } from '../modules/rootlock-stack';
import { OrganizationLookup } from '../modules/organization-lookup';
import { AlertTopic } from '../modules/alert-topic';
import { OrganizationTrail } from '../modules/organization-trail';
import { RootAlarms } from '../modules/root-alarms';
import { CentralEventBus } from '../modules/central-event-bus';
import { PipelineWatch } from '../modules/pipeline-watch';
import { HealthTopic } from '../modules/health-topic';
import { HeartbeatWatch } from '../modules/heartbeat-watch';
import { ForwardingWatch } from '../modules/forwarding-watch';
import { GuardDutyOrganization } from '../modules/guardduty-organization';
import { ConfigBucket } from '../modules/config-bucket';
import { AccessLogBucket } from '../modules/access-log-bucket';

export class SecurityStack extends RootlockStack {
  constructor(scope: Construct, model: Model) {
    super(scope, model.stackNames.security, {
      model,
      accountId: model.security.id,
      deployRoleArn: model.security.deployRoleArn,
      purpose: 'Root-usage alarm pipeline in the security account: organization trail, metric filters and alarms, alert topic, central event bus, GuardDuty, AWS Config bucket.',
    });
    const organizationId = new OrganizationLookup(this, 'organization').id;
    const health = new HealthTopic(this, 'health', { model });
    const subscriptionDeadLetterArn = health.subscriptionDeadLetterQueue.arn;
    const alerts = new AlertTopic(this, 'alerts', { model, organizationId, subscriptionDeadLetterArn });
    const c = model.compliance;
    const compliance = new AlertTopic(this, 'compliance_topic', {
      model,
      organizationId,
      key: alerts.key,
      subscriptionDeadLetterArn,
      destination: {
        name: c.topicName,
        arn: c.topicArn,
        displayName: 'rootlock compliance',
        subscriptions: c.subscriptions,
        description: 'Compliance topic: the CIS 4.3 / CloudWatch.1 alarm notifies it (low noise, never the pager).',
      },
    });
    const logged = [model.pipeline.trailBucketName, ...(model.monitoring.config ? [model.pipeline.configBucketName] : [])];
    const accessLogs = new AccessLogBucket(this, 'access_logs', { model, sourceBucketNames: logged });
    const trail = new OrganizationTrail(this, 'organization_trail', { model, organizationId, accessLogBucketName: accessLogs.targetName });
    new RootAlarms(this, 'alarms', { model, logGroupName: trail.logGroup.name, topicArn: alerts.topic.arn, complianceTopicArn: compliance.topic.arn });
    const bus = new CentralEventBus(this, 'central_bus', { model, providers: this, organizationId, topicArn: alerts.topic.arn });
    new PipelineWatch(this, 'pipeline_watch', { model, logGroupName: trail.logGroup.name, topicArn: alerts.topic.arn, healthTopicArn: health.topic.arn });
    new HeartbeatWatch(this, 'heartbeat', { model, busName: bus.bus.name, healthTopicArn: health.topic.arn, deadLetterQueueArn: bus.deadLetterQueueArn });
    new ForwardingWatch(this, 'forwarding_watch', { model, providers: this, healthTopicArn: health.topic.arn });
    if (model.monitoring.guardDuty) new GuardDutyOrganization(this, 'guardduty');
    if (model.monitoring.config) new ConfigBucket(this, 'config_bucket', { model, organizationId, accessLogBucketName: accessLogs.targetName });
  }
}

/**
 * AWS Config recorder of one account, delivering to the central bucket. Organization rules fail with
 * NoAvailableConfigurationRecorderException in any account without one.
 */
import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { ConfigConfigurationRecorder } from '@cdktf/provider-aws/lib/config-configuration-recorder';
import { ConfigDeliveryChannel } from '@cdktf/provider-aws/lib/config-delivery-channel';
import { ConfigConfigurationRecorderStatus } from '@cdktf/provider-aws/lib/config-configuration-recorder-status';
import type { AccountTarget, Model } from '../config/model';
import { policyJson } from '../policies/document';
import { configRecorderDeliveryPolicy, serviceRoleTrust } from '../policies/pipeline';
import { awsManagedPolicyArn } from '../config/arn';

export interface ConfigRecorderProps {
  model: Model;
  account: AccountTarget;
}

export class ConfigRecorder extends Construct {
  constructor(scope: Construct, id: string, props: ConfigRecorderProps) {
    super(scope, id);
    const { model, account } = props;
    const role = new IamRole(this, 'role', {
      name: model.pipeline.configRoleName,
      description: 'AWS Config recorder role: reads configuration, delivers to the central rootlock Config bucket.',
      assumeRolePolicy: policyJson(serviceRoleTrust('config-assumes-recorder-role', account.id)),
    });
    new IamRolePolicyAttachment(this, 'aws_config_role', { role: role.name, policyArn: awsManagedPolicyArn('service-role/AWS_ConfigRole') });
    new IamRolePolicy(this, 'delivery', { role: role.name, name: 'deliver-to-central-bucket', policy: policyJson(configRecorderDeliveryPolicy(model)) });
    const recorder = new ConfigConfigurationRecorder(this, 'recorder', {
      name: model.pipeline.configRecorderName,
      roleArn: role.arn,
      // Root user resources (AWS::IAM::User etc.) are global: record them in the home region only.
      recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },
    });
    const channel = new ConfigDeliveryChannel(this, 'delivery_channel', {
      name: model.pipeline.configRecorderName,
      s3BucketName: model.pipeline.configBucketName,
      dependsOn: [recorder],
    });
    new ConfigConfigurationRecorderStatus(this, 'recorder_status', { name: recorder.name, isEnabled: true, dependsOn: [channel] });
  }
}

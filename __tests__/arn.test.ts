import { alarmArn, awsManagedPolicyArn, cloudTrailArn, eventBusArn, eventRuleArn, formatArn, iamRoleArn, logGroupArn, rootUserArn, s3BucketArn, snsTopicArn, sqsQueueArn } from '../config/arn';

// Each format as the AWS service authorization reference writes it for the resource type.
test.each([
  [iamRoleArn('111122223333', 'r'), 'arn:aws:iam::111122223333:role/r'],
  [iamRoleArn('*', 'r'), 'arn:aws:iam::*:role/r'],
  [rootUserArn('*'), 'arn:aws:iam::*:root'],
  [awsManagedPolicyArn('root-task/IAMAuditRootUserCredentials'), 'arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials'],
  [s3BucketArn('b'), 'arn:aws:s3:::b'],
  [sqsQueueArn('eu-west-1', '111122223333', 'q'), 'arn:aws:sqs:eu-west-1:111122223333:q'],
  [snsTopicArn('eu-west-1', '111122223333', 't'), 'arn:aws:sns:eu-west-1:111122223333:t'],
  [logGroupArn('eu-west-1', '111122223333', '/a/b'), 'arn:aws:logs:eu-west-1:111122223333:log-group:/a/b'],
  [cloudTrailArn('eu-west-1', '111122223333', 't'), 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/t'],
  [eventBusArn('eu-west-1', '111122223333', 'b'), 'arn:aws:events:eu-west-1:111122223333:event-bus/b'],
  [eventRuleArn('eu-west-1', '111122223333', 'r'), 'arn:aws:events:eu-west-1:111122223333:rule/r'],
  [eventRuleArn('eu-west-1', '111122223333', 'r', 'b'), 'arn:aws:events:eu-west-1:111122223333:rule/b/r'],
  [alarmArn('eu-west-1', '111122223333', 'a'), 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:a'],
  [formatArn({ service: 'organizations', account: '111122223333', resource: 'policy/o-1/service_control_policy/p-1' }), 'arn:aws:organizations::111122223333:policy/o-1/service_control_policy/p-1'],
])('%s', (actual, expected) => expect(actual).toBe(expected));

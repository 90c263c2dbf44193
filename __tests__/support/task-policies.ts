/**
 * The AWS-managed AssumeRoot task policies (arn:aws:iam::aws:policy/root-task/<name>), abridged to their statements:
 * the only identity policy of a privileged task session. Actions as the IAM User Guide lists them
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html); the same lists the emulator
 * enforces (emulator/root_user.py TASK_POLICY_IAM_ACTIONS).
 */
import type { PolicyDocument } from '../../policies/document';

const onRoot = (sid: string, actions: string[]): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Sid: sid, Effect: 'Allow', Action: actions, Resource: 'arn:aws:iam::*:root' }],
});

export const TASK_POLICIES: Record<string, PolicyDocument> = {
  IAMAuditRootUserCredentials: onRoot('AuditRootUserCredentials', ['iam:GetLoginProfile', 'iam:GetUser', 'iam:ListAccessKeys', 'iam:ListMFADevices', 'iam:ListSigningCertificates']),
  IAMCreateRootUserPassword: onRoot('CreateRootUserPassword', ['iam:CreateLoginProfile', 'iam:GetLoginProfile']),
  IAMDeleteRootUserCredentials: onRoot('DeleteRootUserCredentials', [
    'iam:DeactivateMFADevice',
    'iam:DeleteAccessKey',
    'iam:DeleteLoginProfile',
    'iam:DeleteSigningCertificate',
    'iam:GetLoginProfile',
    'iam:ListAccessKeys',
    'iam:ListMFADevices',
    'iam:ListSigningCertificates',
  ]),
  S3UnlockBucketPolicy: {
    Version: '2012-10-17',
    Statement: [{ Sid: 'UnlockBucketPolicy', Effect: 'Allow', Action: ['s3:DeleteBucketPolicy', 's3:GetBucketPolicy', 's3:ListAllMyBuckets'], Resource: '*' }],
  },
  SQSUnlockQueuePolicy: {
    Version: '2012-10-17',
    Statement: [{ Sid: 'UnlockQueuePolicy', Effect: 'Allow', Action: ['sqs:GetQueueAttributes', 'sqs:ListQueues', 'sqs:SetQueueAttributes'], Resource: '*' }],
  },
};

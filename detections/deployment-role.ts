/**
 * The detection of the trust model: a session of the deployment role (the one principal the monitoring-protection SCPs
 * exempt) that is not a deploy. Every deploy sets sts:SourceIdentity = DEPLOY_SOURCE_IDENTITY (config/contract.ts) on
 * each provider's AssumeRole, and CloudTrail records it as requestParameters.sourceIdentity of the AssumeRole event
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html). The RCP refuses
 * such a session in member accounts; this pages on every attempt anyway (per event), and wherever the RCP does not
 * reach (the management account, an account being migrated, an RCP detached).
 */
import type { Detection, DetectionInputs } from './catalog';
import type { TrustModel } from '../config/model-trust';
import { detectionMetric, detectionRuleName } from './names';

export const DEPLOYMENT_ROLE_DETECTION_ID = 'deployment-role-outside-deploy';

export function deploymentRoleDetections(model: DetectionInputs & { trust?: TrustModel }): Detection[] {
  const t = model.trust;
  if (!t) return [];
  const role = t.deploymentRoleName;
  const id = DEPLOYMENT_ROLE_DETECTION_ID;
  return [
    {
      id,
      title: 'Deployment role assumed without the deploy source identity',
      severity: 'critical',
      why: `${role} is the only principal allowed to change the alarm pipeline; every deploy session carries source identity ${t.deploySourceIdentity}. An AssumeRole of it without that source identity, allowed or refused, is someone else reaching for the key that silences the pager.`,
      metric: detectionMetric(
        id,
        `{ $.eventSource = "sts.amazonaws.com" && $.eventName = "AssumeRole" && $.requestParameters.roleArn = "*:role/${role}" && ($.requestParameters.sourceIdentity NOT EXISTS || $.requestParameters.sourceIdentity != "${t.deploySourceIdentity}") }`,
      ),
      event: {
        ruleName: detectionRuleName(id),
        pattern: {
          source: ['aws.sts'],
          'detail-type': ['AWS API Call via CloudTrail'],
          detail: {
            eventName: ['AssumeRole'],
            requestParameters: { roleArn: [{ suffix: `:role/${role}` }], sourceIdentity: [{ exists: false }, { 'anything-but': [t.deploySourceIdentity] }] },
          },
        },
        scope: 'forwarded',
        regions: 'all',
      },
      triageEvents: ['AssumeRole'],
      insightsQuery: `fields @timestamp, recipientAccountId, userIdentity.arn, requestParameters.roleArn, requestParameters.sourceIdentity, errorCode | filter eventName = "AssumeRole" and requestParameters.roleArn like /:role\\/${role.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$/ | sort @timestamp desc | limit 200`,
      contain: [
        `Name the caller (userIdentity.arn): if it is not one of ${t.deployPrincipals.join(', ')}, treat its credentials as compromised and revoke its sessions.`,
        `If the AssumeRole succeeded (no errorCode), check the account's RCPs still include ${t.rcps.deploymentRole}, and review what the session changed (filter on its accessKeyId).`,
      ],
    },
  ];
}

/**
 * Detections on the shape of the organization: an account moved, removed, leaving or joining, and policies attached
 * to or detached from the root or an OU. Each changes which SCPs reach which account, so each pages.
 *
 * Organizations is a global service whose endpoint is us-east-1: its CloudTrail events are recorded in us-east-1
 * (Organizations API reference, "Endpoint to call"), in the management account for calls made there and in the member
 * account for LeaveOrganization. So the forwarded rules listen in us-east-1 (`global`) in every account; the metric
 * filters read the organization trail, which holds them all.
 * https://docs.aws.amazon.com/organizations/latest/APIReference/Welcome.html
 */
import type { Detection, DetectionInputs } from './catalog';
import { detectionMetric, detectionRuleName } from './names';

const API_CALL = 'AWS API Call via CloudTrail';
const SOURCE = 'organizations.amazonaws.com';


const anyOf = (names: string[]) => names.map((n) => `($.eventName = "${n}")`).join(' || ');
const insights = (filter: string) =>
  `fields @timestamp, recipientAccountId, eventName, userIdentity.arn, requestParameters.accountId, requestParameters.targetId, requestParameters.destinationParentId, errorCode | filter eventSource = "${SOURCE}" and ${filter} | sort @timestamp desc | limit 200`;

/** One detection on Organizations API calls named `names`, with an optional extra EventBridge detail filter. */
function organizationCall(
  id: string,
  names: string[],
  rest: Omit<Detection, 'id' | 'metric' | 'event' | 'triageEvents' | 'insightsQuery'>,
  extra: { metricFilter?: string; eventDetail?: Record<string, unknown>; insightsFilter?: string } = {},
): Detection {
  const calls = `(${anyOf(names)})`;
  return {
    id,
    ...rest,
    metric: detectionMetric(id, `{ ($.eventSource = "${SOURCE}") && ${calls}${extra.metricFilter ? ` && ${extra.metricFilter}` : ''} }`),
    event: {
      ruleName: detectionRuleName(id),
      pattern: { source: ['aws.organizations'], 'detail-type': [API_CALL], detail: { eventSource: [SOURCE], eventName: names, ...(extra.eventDetail ?? {}) } },
      scope: 'forwarded',
      regions: 'global',
    },
    triageEvents: names,
    insightsQuery: insights(`eventName in [${names.map((n) => `"${n}"`).join(', ')}]${extra.insightsFilter ? ` and ${extra.insightsFilter}` : ''}`),
  };
}

export function organizationDetections(model: DetectionInputs): Detection[] {
  const rootDeny = model.scps.rootDeny.name;
  return [
    organizationCall('account-moved', ['MoveAccount'], {
      title: 'Member account moved to another OU or the root',
      severity: 'high',
      why: `Where an account sits decides which SCPs reach it: moved out of a covered OU (or to the root), its root user is no longer denied by ${rootDeny}.`,
      contain: [
        'Compare `requestParameters.destinationParentId` with the OU the configuration declares for `requestParameters.accountId` (inventory runbook).',
        'Not a planned change: redeploy the management stack, which moves the account back into its declared OU, and find who made the call.',
      ],
    }),
    organizationCall('account-left-organization', ['RemoveAccountFromOrganization', 'LeaveOrganization'], {
      title: 'Member account removed from or left the organization',
      severity: 'critical',
      why: 'An account outside the organization is outside every SCP, the organization trail and centralized root access: its root user is unrestricted again.',
      contain: [
        'Confirm a decommissioning ticket for the account (README: decommissioning an account). Without one, treat it as account takeover.',
        'The account can no longer be reached through the organization: contact AWS Support with the management account if it was not yours to remove.',
      ],
    }),
    organizationCall('account-joined', ['CreateAccount', 'CreateGovCloudAccount', 'InviteAccountToOrganization'], {
      title: 'Account created in or invited to the organization',
      severity: 'high',
      why: 'A new account starts at the root, where no rootlock SCP reaches it, and the next management plan fails until the configuration declares it (or opts it out with a reason).',
      contain: [
        'Add the account to the configuration (accounts: id, name, ou), deploy the management stack (it moves the account into its OU), then its baseline stack.',
        'Not expected: find the caller (`userIdentity.arn`) and close or remove the account before it is used.',
      ],
    }),
    organizationCall(
      'org-policy-attachment-changed',
      ['AttachPolicy', 'DetachPolicy'],
      {
        title: 'Policy attached to or detached from the organization root or an OU',
        severity: 'high',
        why: `Policies on the root and OUs are inherited by every account below them: a detach can lift ${rootDeny}, an attach can deny or allow far more than intended.`,
        contain: [
          'Match `requestParameters.policyId` and `requestParameters.targetId` with a planned management deploy.',
          'Not planned: redeploy the management stack (it restores the rootlock attachments) and review the policy that was attached.',
        ],
      },
      {
        metricFilter: '(($.requestParameters.targetId = "r-*") || ($.requestParameters.targetId = "ou-*"))',
        eventDetail: { requestParameters: { targetId: [{ prefix: 'r-' }, { prefix: 'ou-' }] } },
        insightsFilter: '(requestParameters.targetId like /^r-/ or requestParameters.targetId like /^ou-/)',
      },
    ),
  ];
}

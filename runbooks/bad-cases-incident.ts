/**
 * What every incident needs, whatever its cause (bad-cases.md): AWS Support engaged, the trail objects copied out with
 * their versions and checksums, and a hunt for the persistence an intruder leaves (users, keys, roles, trusts).
 */
import type { Model } from '../config/model';
import { GLOBAL_REGION, insightsCommands, NO_PAGER, ph, timeWindow } from './common';
import { asManagement, fenceAs } from './common-runs-as';
import { aws, code, fence, link, raw, sh } from '../render/markdown';

export function support(model: Model): Array<string | string[]> {
  return [
    `From the management account ${code(model.management.id)}, which holds the support plan for the organization. The Support API needs a Business, Enterprise On-Ramp or Enterprise plan and answers in ${code(
      GLOBAL_REGION,
    )} (${link('AWS: about the Support API', 'https://docs.aws.amazon.com/awssupport/latest/user/about-support-api.html')}); without one, open the case in the console.`,
    [
      `Find the service and category codes, then open the case (${code('urgent')}: production system down):`,
      fenceAs(asManagement(model), [
        NO_PAGER,
        aws('support', 'describe-services', [['--region', GLOBAL_REGION], ['--query', 'services[].[code,name]'], ['--output', 'text']]),
        aws(
          'support',
          'create-case',
          [
            ['--region', GLOBAL_REGION],
            ['--subject', `Security incident ${ph('TICKET-ID')}: suspected compromise in our organization`],
            ['--service-code', ph('SUPPORT-SERVICE-CODE')],
            ['--category-code', ph('SUPPORT-CATEGORY-CODE')],
            ['--severity-code', 'urgent'],
            ['--issue-type', 'technical'],
            ['--communication-body', `Incident ${ph('TICKET-ID')}: account ${ph('ACCOUNT-ID')}. Please call us back.`],
            ['--query', 'caseId'],
            ['--output', 'text'],
          ],
          'CASE_ID',
        ),
        'echo "support case: $CASE_ID"',
      ]),
    ],
  ];
}

export function evidence(model: Model): Array<string | string[]> {
  const home = model.organization.homeRegion;
  const dir = 'evidence-$TICKET';
  const list = aws('s3api', 'list-object-versions', [
    ['--region', home],
    ['--bucket', model.pipeline.trailBucketName],
    ['--prefix', raw('"AWSLogs/$ORG_ID/$ACCT/CloudTrail/$REGION/$DAY/"')],
    ['--query', 'Versions[].[Key,VersionId]'],
    ['--output', 'text'],
  ]);
  const get = aws('s3api', 'get-object', [
    ['--region', home],
    ['--bucket', model.pipeline.trailBucketName],
    ['--key', raw('"$KEY"')],
    ['--version-id', raw('"$VERSION"')],
  ]);
  return [
    [
    `The trail objects in ${code(model.pipeline.trailBucketName)} (security account ${code(
      model.security.id,
    )}) are versioned and under Object Lock: nobody can change them for their retention. Copy the day's objects of the account concerned, every version, with their version ids and checksums, out of AWS for the record (read access to the bucket is enough). ${code(
      'DAY',
    )} is today in UTC; set it to each other day of the incident and run the block again.`,
    fence([
      NO_PAGER,
      aws('organizations', 'describe-organization', [['--region', GLOBAL_REGION], ['--query', 'Organization.Id'], ['--output', 'text']], 'ORG_ID'),
      'DAY=$(date -u +%Y/%m/%d)',
      `TICKET=${sh(ph('TICKET-ID'))}`,
      `ACCT=${sh(ph('ACCOUNT-ID'))}`,
      `mkdir -p "${dir}"`,
      `for REGION in ${model.eventRegions.join(' ')}; do ${list}; done > "${dir}/versions.txt"`,
      `while read -r KEY VERSION; do if [ "$KEY" != None ]; then ${get} "${dir}/$VERSION.json.gz"; fi; done < "${dir}/versions.txt"`,
      `find "${dir}" -type f -exec shasum -a 256 {} + > "${dir}.sha256"`,
      `echo "copied $(wc -l < "${dir}/versions.txt") versions into ${dir}; checksums in ${dir}.sha256"`,
    ]),
    ],
  ];
}

const PERSISTENCE_EVENTS = [
  'CreateUser',
  'CreateLoginProfile',
  'UpdateLoginProfile',
  'CreateAccessKey',
  'CreateRole',
  'UpdateAssumeRolePolicy',
  'AttachUserPolicy',
  'AttachRolePolicy',
  'PutUserPolicy',
  'PutRolePolicy',
  'AddUserToGroup',
  'CreatePolicyVersion',
  'SetDefaultPolicyVersion',
  'EnableMFADevice',
  'CreateSAMLProvider',
  'CreateOpenIDConnectProvider',
];

export function persistence(model: Model): Array<string | string[]> {
  const list = PERSISTENCE_EVENTS.map((e) => `"${e}"`).join(', ');
  return [
    [
      `Every new user, password, access key, role, trust policy change and grant in every account over the last 72 hours (widen the window to the incident's start). For each role created or changed, read ${code(
        'assumeRolePolicyDocument',
      )}: a principal outside the organization (an account id that is not in the inventory) is an external trust; delete it with the account's deployment role, and every user or key nobody in the record made.`,
      fence([
        ...timeWindow(72),
        ...insightsCommands(
          model,
          `fields @timestamp, recipientAccountId, eventName, userIdentity.arn, requestParameters.userName, requestParameters.roleName, requestParameters.assumeRolePolicyDocument | filter eventSource = "iam.amazonaws.com" and eventName in [${list}] | filter readOnly = 0 | sort @timestamp asc | limit 1000`,
        ),
      ]),
    ],
  ];
}

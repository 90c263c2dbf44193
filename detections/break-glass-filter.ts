/**
 * The metric filter pattern of the `break-glass-user-credentials-changed` detection, apart so the validator can
 * measure it (config/cross-checks-root-credentials.ts) before anything is synthesized: CloudWatch Logs refuses a
 * filter pattern over 1024 characters (PutMetricFilter `filterPattern`,
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html).
 */
export const METRIC_FILTER_PATTERN_MAX = 1024;

export type BreakGlassUsers = Array<{ name: string; accountId: string; mfaDeviceArn: string }>;

/**
 * Any IAM write naming a break-glass user (access keys, login profile, MFA devices, signing certificates, policies,
 * groups) or made by it (ChangePassword has no userName parameter: the caller is the user), in its account. Every
 * credential operation on a user carries `userName`, and an MFA device must be deactivated (with `userName`) before
 * it can be deleted, so the user names are enough for the metric filter; the EventBridge rule also matches the device
 * ARNs.
 */
export function breakGlassCredentialFilter(users: BreakGlassUsers): string {
  const accounts = [...new Set(users.map((u) => u.accountId))].sort();
  const names = [...new Set(users.map((u) => u.name))].sort();
  const anyOf = (parts: string[]) => (parts.length === 1 ? parts[0] : `(${parts.join(' || ')})`);
  return `{ ($.eventSource = "iam.amazonaws.com") && ($.readOnly IS FALSE) && ${anyOf(accounts.map((a) => `($.recipientAccountId = "${a}")`))} && ${anyOf(
    names.flatMap((n) => [`($.requestParameters.userName = "${n}")`, `($.userIdentity.userName = "${n}")`]),
  )} }`;
}

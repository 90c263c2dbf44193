/**
 * Containment that rootlock's own SCPs allow, as complete blocks: each names the principal that may do it (the
 * management account, where SCPs never apply, or the security account's deployment role, the only principal the
 * monitoring-protection SCP exempts) and runs it there. Shared by the alarm and pipeline-watch playbooks.
 */
import type { Model } from '../config/model';
import { deploymentRoleSubshell } from './common-tasks';
import { asManagement, fenceAs } from './common-runs-as';
import { aws, code, raw } from '../render/markdown';

/** Restart the organization trail from the management account, which owns it (its ARN names that account). */
export function restartTrail(model: Model): Array<string | string[]> {
  const home = model.organization.homeRegion;
  const trail = model.pipeline.trailArn;
  return [
    [
      `Now: restart logging on the organization trail from the management account ${code(
        model.management.id,
      )} (it owns the organization trail; service control policies never apply there, so nothing stops it), then check ${code('IsLogging')} is ${code('True')}:`,
      fenceAs(asManagement(model), [
        'export AWS_PAGER=""',
        aws('cloudtrail', 'start-logging', [
          ['--region', home],
          ['--name', trail],
        ]),
        aws('cloudtrail', 'get-trail-status', [
          ['--region', home],
          ['--name', trail],
          ['--query', 'IsLogging'],
          ['--output', 'text'],
        ]),
      ]),
    ],
  ];
}

/** Every pipeline key alias, in the security account. */
function keyAliases(model: Model): string[] {
  return [model.pipeline.trailKeyAlias, model.pipeline.alertsKeyAlias, ...(model.monitoring.config ? [model.compliance.configKeyAlias] : [])];
}

/**
 * Cancel a scheduled deletion and enable a disabled pipeline key, as the security account's deployment role (the
 * ProtectKeysByTag statement of the monitoring-protection SCP denies kms:EnableKey and kms:CancelKeyDeletion on
 * rootlock's keys to everyone else). A cancelled key is left Disabled, so it is enabled next.
 */
export function recoverKeys(model: Model): Array<string | string[]> {
  const home = model.organization.homeRegion;
  const describe = (query: string, into: string) =>
    aws(
      'kms',
      'describe-key',
      [
        ['--region', home],
        ['--key-id', raw('"$ALIAS"')],
        ['--query', query],
        ['--output', 'text'],
      ],
      into,
    );
  const loop = [
    `for ALIAS in ${keyAliases(model).join(' ')}; do`,
    `  ${describe('KeyMetadata.KeyId', 'KEY_ID')}`,
    `  ${describe('KeyMetadata.KeyState', 'STATE')}`,
    '  echo "$ALIAS $KEY_ID $STATE"',
    `  if [ "$STATE" = PendingDeletion ]; then ${aws('kms', 'cancel-key-deletion', [
      ['--region', home],
      ['--key-id', raw('"$KEY_ID"')],
    ])}; STATE=Disabled; fi`,
    `  if [ "$STATE" = Disabled ]; then ${aws('kms', 'enable-key', [
      ['--region', home],
      ['--key-id', raw('"$KEY_ID"')],
    ])}; fi`,
    'done',
  ];
  return [
    [
      `Now, from the management account ${code(model.management.id)}: as the deployment role of the security account ${code(
        model.security.id,
      )} (the only principal the monitoring-protection SCP lets change these keys), cancel any scheduled deletion and enable every rootlock key that is disabled. Each line printed is the alias, the key id and the state it was found in; a key in ${code(
        'Enabled',
      )} is left alone.`,
      fenceAs(asManagement(model), deploymentRoleSubshell(model, model.security, 'recover-pipeline-keys', loop)),
    ],
    'Then check the trail logs again (the trail tampering triage) and redeploy the security stack once the pipeline works.',
  ];
}

/** The central dead-letter queue of alert delivery. */
function alertDlq(model: Model) {
  return model.delivery.deadLetterQueues.find((q) => q.purpose === 'alert-delivery')!;
}

function queueUrl(model: Model): string {
  return aws(
    'sqs',
    'get-queue-url',
    [
      ['--region', model.organization.homeRegion],
      ['--queue-name', alertDlq(model).name],
      ['--query', 'QueueUrl'],
      ['--output', 'text'],
    ],
    'QUEUE_URL',
  );
}

/** Seconds a read message stays hidden: long enough to handle the batch, after which it reappears for the purge. */
export const DLQ_READ_VISIBILITY_SECONDS = 600;

/**
 * Read every queued event: long polls (20 seconds, the SQS maximum) until a poll returns nothing, each batch saved to a
 * file as evidence. Messages read are hidden for ten minutes, so the loop ends when the queue is drained, not at the
 * first short poll that happens to come back empty.
 */
export function readDeadLetters(model: Model): string[] {
  const home = model.organization.homeRegion;
  return [
    queueUrl(model),
    'N=0',
    'while :; do',
    `  ${aws(
      'sqs',
      'receive-message',
      [
        ['--region', home],
        ['--queue-url', raw('"$QUEUE_URL"')],
        ['--attribute-names', 'All'],
        ['--message-attribute-names', 'All'],
        ['--max-number-of-messages', '10'],
        ['--wait-time-seconds', '20'],
        ['--visibility-timeout', String(DLQ_READ_VISIBILITY_SECONDS)],
        ['--query', 'Messages'],
        ['--output', 'json'],
      ],
      'BATCH',
    )}`,
    `  case "$BATCH" in ''|null|'[]') break ;; esac`,
    '  N=$((N + 1))',
    `  printf '%s\\n' "$BATCH" > "dead-letters-$N.json"`,
    '  echo "batch $N saved to dead-letters-$N.json"',
    'done',
    'echo "$N batch(es) read: the queue is drained for now"',
  ];
}

/**
 * Empty the dead-letter queue once every event in it has been handled, as the security account's deployment role (the
 * monitoring-protection SCP denies sqs:PurgeQueue on rootlock's queues to everyone else); then show what is left.
 */
export function purgeDeadLetters(model: Model): string {
  const home = model.organization.homeRegion;
  return fenceAs(
    asManagement(model),
    deploymentRoleSubshell(model, model.security, 'purge-alert-dead-letters', [
      queueUrl(model),
      aws('sqs', 'purge-queue', [
        ['--region', home],
        ['--queue-url', raw('"$QUEUE_URL"')],
      ]),
      aws('sqs', 'get-queue-attributes', [
        ['--region', home],
        ['--queue-url', raw('"$QUEUE_URL"')],
        ['--attribute-names', ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible']],
      ]),
    ]),
  );
}

/** A customer-managed KMS key with rotation, its policy and an alias. */
import { Construct } from 'constructs';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { policyJson, PolicyDocument } from '../policies/document';
import { KEY_PURPOSE_TAG } from '../config/model-protection';

export interface EncryptionKeyProps {
  alias: string;
  description: string;
  policy: PolicyDocument;
  /**
   * Value of the KEY_PURPOSE_TAG tag. The monitoring-protection SCPs protect rootlock keys by this tag (an alias can be
   * deleted or repointed; the tag cannot be changed by anyone but the deployment role).
   */
  purpose: string;
}

export class EncryptionKey extends Construct {
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    this.key = new KmsKey(this, 'key', {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policyJson(props.policy),
      tags: { [KEY_PURPOSE_TAG]: props.purpose },
    });
    new KmsAlias(this, 'alias', { name: props.alias, targetKeyId: this.key.keyId });
  }
}

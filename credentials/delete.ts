/**
 * Deleting one member account's root credentials through an `IAMDeleteRootUserCredentials` task session: the password
 * (login profile), every access key and signing certificate, and every MFA device (deactivated; a virtual device,
 * whose serial number is its ARN `arn:aws:iam::<account>:mfa/<name>`, is then deleted too). Each call is made without
 * `UserName`, so it acts on the root user.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteVirtualMFADevice.html
 */
import {
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  DeleteSigningCertificateCommand,
  DeleteVirtualMFADeviceCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  ListSigningCertificatesCommand,
} from '@aws-sdk/client-iam';
import { AwsAccess, clientConfig, errorText } from '../audit/aws';
import { taskSession } from './session';

export interface DeletionOutcome {
  accountId: string;
  name: string;
  /** What was removed, in the order it was removed (`password`, `access key AKIA...`, ...). */
  deleted: string[];
  /** Why the deletion stopped (AssumeRoot refused, a call failed); what was deleted before stays deleted. */
  error?: string;
}

const notFound = (e: unknown) => ['NoSuchEntityException', 'NoSuchEntity'].includes((e as { name?: string }).name ?? '');

/** A virtual MFA device's serial number is its ARN; a hardware or FIDO device's is not an IAM ARN. */
export const isVirtualMfa = (serial: string) => /^arn:aws[a-z-]*:iam::\d{12}:mfa\//.test(serial);

export async function deleteRootCredentials(access: AwsAccess, region: string, account: { id: string; name: string }): Promise<DeletionOutcome> {
  const outcome: DeletionOutcome = { accountId: account.id, name: account.name, deleted: [] };
  let iam: IAMClient;
  try {
    iam = new IAMClient(clientConfig(access, region, await taskSession(access, region, account.id, 'IAMDeleteRootUserCredentials')));
  } catch (e) {
    return { ...outcome, error: `sts:AssumeRoot with IAMDeleteRootUserCredentials refused: ${errorText(e)}` };
  }
  try {
    try {
      await iam.send(new DeleteLoginProfileCommand({}));
      outcome.deleted.push('password');
    } catch (e) {
      if (!notFound(e)) throw e;
    }
    for (const key of (await iam.send(new ListAccessKeysCommand({}))).AccessKeyMetadata ?? []) {
      await iam.send(new DeleteAccessKeyCommand({ AccessKeyId: key.AccessKeyId }));
      outcome.deleted.push(`access key ${key.AccessKeyId}`);
    }
    for (const cert of (await iam.send(new ListSigningCertificatesCommand({}))).Certificates ?? []) {
      await iam.send(new DeleteSigningCertificateCommand({ CertificateId: cert.CertificateId }));
      outcome.deleted.push(`signing certificate ${cert.CertificateId}`);
    }
    for (const device of (await iam.send(new ListMFADevicesCommand({}))).MFADevices ?? []) {
      const serial = device.SerialNumber!;
      await iam.send(new DeactivateMFADeviceCommand({ SerialNumber: serial }));
      outcome.deleted.push(`MFA device ${serial} (deactivated)`);
      if (isVirtualMfa(serial)) {
        await iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: serial }));
        outcome.deleted.push(`virtual MFA device ${serial} (deleted)`);
      }
    }
    return outcome;
  } catch (e) {
    return { ...outcome, error: `deleting the root credentials failed: ${errorText(e)}` };
  } finally {
    iam.destroy();
  }
}

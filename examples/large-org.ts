/** A synthetic organization of any size, for the benchmark and the scale test. */
import type { ConfigInput } from '../config/schema';

export function largeOrgConfig(accountCount = 1000, ouCount = 100): ConfigInput {
  const ous = Array.from({ length: ouCount }, (_, i) => ({ name: `ou-${String(i).padStart(3, '0')}`, parent: i < 10 ? 'root' : `ou-${String(i % 10).padStart(3, '0')}` }));
  const accounts = Array.from({ length: accountCount }, (_, i) => ({
    id: String(200000000000 + i),
    name: `account-${String(i).padStart(4, '0')}`,
    ou: ous[i % ouCount].name,
  }));
  return {
    organization: { managementAccountId: '111111111111', homeRegion: 'eu-west-1', deploymentRoleTrustedBy: ['arn:aws:iam::111111111111:role/rootlock-deployer-ci'] },
    securityAccount: accounts[0].name,
    organizationalUnits: ous,
    accounts,
    breakGlass: {
      principals: ['a', 'b'].map((x) => ({
        arn: `arn:aws:iam::111111111111:user/breakglass-${x}`,
        mfaDeviceArn: `arn:aws:iam::111111111111:mfa/breakglass-${x}`,
        custody: `vault entry breakglass-${x}`,
      })),
    },
    responders: [
      { name: 'A', role: 'Security lead', contact: { email: 'a@example.com', phone: '+44 20 7946 0001' }, custody: ['root-password'] },
      { name: 'B', role: 'On-call', contact: { email: 'b@example.com', phone: '+44 20 7946 0002' }, custody: ['mfa-device'] },
      { name: 'C', role: 'CTO', contact: { email: 'c@example.com', phone: '+44 20 7946 0003' }, custody: ['approver'] },
      { name: 'D', role: 'Deputy security lead', contact: { email: 'd@example.com', phone: '+44 20 7946 0004' }, custody: ['root-password', 'root-mailbox'] },
      { name: 'E', role: 'Deputy on-call', contact: { email: 'e@example.com', phone: '+44 20 7946 0005' }, custody: ['mfa-device'] },
    ],
    custody: { rootPassword: 'vault A', mfaDevice: 'safe B' },
    alerts: { emails: ['oncall@example.com'] },
  };
}

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
    organization: { managementAccountId: '111111111111', homeRegion: 'eu-west-1' },
    securityAccount: accounts[0].name,
    organizationalUnits: ous,
    accounts,
    breakGlass: { principals: ['arn:aws:iam::111111111111:user/breakglass-a', 'arn:aws:iam::111111111111:user/breakglass-b'] },
    responders: [
      { name: 'A', role: 'Security lead', contact: 'a@example.com', custody: ['root-password', 'approver'] },
      { name: 'B', role: 'On-call', contact: 'b@example.com', custody: ['mfa-device'] },
    ],
    custody: { rootPassword: 'vault A', mfaDevice: 'safe B' },
    alerts: { emails: ['oncall@example.com'] },
  };
}

/** The live organization as `npm run init -- --from-organization` reads it: plain data, no SDK types. */

export interface OuSnapshot {
  id: string;
  name: string;
  /** The root id or the parent OU's id. */
  parentId: string;
}

export interface AccountSnapshot {
  id: string;
  name: string;
  email: string;
  status: string;
  /** The root id or the OU id the account sits in (undefined for an account that is not ACTIVE: not read). */
  parentId?: string;
}

export interface OrganizationSnapshot {
  organizationId: string;
  managementAccountId: string;
  rootId: string;
  homeRegion: string;
  /** Policy types ENABLED on the root. */
  policyTypes: string[];
  /** Service principals with trusted access. */
  servicePrincipals: string[];
  ous: OuSnapshot[];
  accounts: AccountSnapshot[];
}

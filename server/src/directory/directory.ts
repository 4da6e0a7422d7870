// The port between the MyPass API and a directory (Entra ID today). The flows service only ever
// sees these types; the Entra connector (entra-directory.ts) implements them with msal-node and
// the Graph client. Failures are values with stable codes, never exceptions past this boundary.

export type DirectoryFailureCode =
  /** Graph or the token endpoint did not answer in time, answered 5xx/429 past the time cap, or dropped the connection. */
  | 'directory_unavailable'
  /** The app lacks a permission or directory role for this call (403 Authorization_RequestDenied). */
  | 'permission_denied'
  /** The object does not exist (404). */
  | 'not_found'
  /** The directory refused the new password (complexity or banned list; 400 Request_BadRequest). */
  | 'password_rejected'
  /** Our own configuration is wrong: bad client secret/certificate (AADSTS7000215 etc.), unknown tenant. */
  | 'configuration_error';

export interface DirectoryFailure {
  ok: false;
  code: DirectoryFailureCode;
  /** Seconds the caller should wait before trying again, when the directory said so. */
  retryAfter?: number;
  /** For logs and audit only (never shown to end users): the upstream error code, e.g. "Request_BadRequest". */
  upstreamCode?: string;
}

export type DirectoryResult<T> = { ok: true; value: T } | DirectoryFailure;

/** The user properties MyPass $selects (entra.md). */
export interface DirectoryUser {
  id: string;
  userPrincipalName: string;
  displayName: string | null;
  accountEnabled: boolean;
  mail: string | null;
  otherMails: string[];
  mobilePhone: string | null;
  businessPhones: string[];
  usageLocation: string | null;
  preferredLanguage: string | null;
  lastPasswordChangeDateTime: string | null;
  onPremisesSyncEnabled: boolean;
  employeeId: string | null;
  userType: string | null;
}

export type LookupOutcome =
  | { kind: 'found'; user: DirectoryUser }
  | { kind: 'none' }
  /** More than one object matched: always treated as a decoy (T2). */
  | { kind: 'ambiguous'; count: number };

/** A registered authentication method (Graph phoneAuthenticationMethod / emailAuthenticationMethod). */
export interface RegisteredPhone {
  id: string;
  phoneNumber: string;
  phoneType: 'mobile' | 'alternateMobile' | 'office' | string;
}
export interface RegisteredEmail {
  id: string;
  emailAddress: string;
}

export type PrivilegeReason = 'directory_role' | 'pim_eligible_role' | 'role_assignable_group';

export interface UserContext {
  /** The subset of the asked group ids the user is a transitive member of (checkMemberObjects). */
  memberOfGroupIds: string[];
  /** Why the user counts as privileged; empty when not privileged. */
  privilegedBy: PrivilegeReason[];
  phoneMethods: RegisteredPhone[];
  emailMethods: RegisteredEmail[];
  /** Identity Protection risk state, "none" when unknown or when risk is not readable. */
  riskState: 'none' | 'atRisk' | 'confirmedCompromised' | 'remediated' | 'dismissed' | string;
}

/** How a password check (ROPC password grant) ended; `reason` is for the audit only. */
export type PasswordCheckOutcome =
  | {
      proven: true;
      factor: 'full' | 'first_factor_only';
      reason: 'ok' | 'password_expired' | 'mfa_required' | 'mfa_registration_required';
    }
  | {
      proven: false;
      reason: 'bad_password' | 'no_such_user' | 'locked' | 'disabled' | 'conditional_access' | 'other';
      aadsts?: string;
    };

export interface Directory {
  /** Resolve what a person typed (UPN, mail, otherMails address or employee ID) to exactly one user. */
  lookupUser(identifier: string): Promise<DirectoryResult<LookupOutcome>>;
  /** Memberships, privilege, registered methods and risk in one round trip ($batch). */
  getUserContext(userId: string, groupIds: readonly string[]): Promise<DirectoryResult<UserContext>>;
  /**
   * Set a new password (PATCH passwordProfile); an ambiguous answer is resolved by re-reading
   * lastPasswordChangeDateTime. `knownLastChange` (the look-up's value) makes that re-read exact;
   * without it the connector compares with its own clock.
   */
  resetPassword(
    userId: string,
    newPassword: string,
    knownLastChange?: string | null,
  ): Promise<DirectoryResult<void>>;
  revokeSignInSessions(userId: string): Promise<DirectoryResult<void>>;
  dismissUserRisk(userId: string): Promise<DirectoryResult<void>>;
  /** Check a password with the password grant; the msal account is removed afterwards. */
  checkPassword(userPrincipalName: string, password: string): Promise<DirectoryResult<PasswordCheckOutcome>>;
  /** True once an app token has been obtained (readiness). */
  isReady(): Promise<boolean>;
}

// The emulator's programmatic surface, shared by the connector's tests, the demo and the bench.
import type { KeyAndCertificate } from './ca.js';

export interface EmulatorOptions {
  /** 0 (default) picks a free port. Always binds 127.0.0.1. */
  port?: number;
  /** CA that signs the emulator's server certificate; the test CA (with-test-ca.ts) when omitted. */
  ca?: KeyAndCertificate;
  /** The demo tenant (default), optionally plus N generated users for benchmarks. */
  generatedUsers?: number;
  /** Users of shapes a test controls, seeded after the demo tenant (and any generated users). */
  extraUsers?: EmulatorSeedUser[];
  /** Override the application permissions (app roles) granted to the API app; defaults to the least-privileged set of entra.md. */
  apiAppRoles?: string[];
  /** Only '127.0.0.1' is accepted (the default); anything else throws: the emulator never leaves loopback. */
  host?: string;
  /**
   * Reject a client assertion whose jti was already used (default true). Note: msal-node reuses its
   * own assertion for up to 10 minutes per ConfidentialClientApplication, so a second token request
   * from the same certificate client inside that window is refused while this is on.
   */
  rejectReplayedAssertions?: boolean;
  /** Lifetime of issued access tokens (default 3600 s, as Entra); short values let tests see expiry. */
  accessTokenLifetimeSeconds?: number;
  /** Polling interval the device-code endpoint asks for (default 5 s, as Entra); tests shorten it. */
  deviceCodeIntervalSeconds?: number;
  /** Lifetime of a device code (default 900 s, as Entra). */
  deviceCodeLifetimeSeconds?: number;
}

/** A user a test seeds beside the demo tenant, with exactly the methods and profile fields it names. */
export interface EmulatorSeedUser {
  /** Local part of the user principal name (…@contoso.example); the id is derived from it. */
  upnLocal: string;
  /** ISO 3166 region, or null (default null). */
  usageLocation?: string | null;
  /** Registered phone methods as Graph lists them, e.g. { phoneNumber: '+45 20123456', phoneType: 'mobile' }. */
  phoneMethods?: { phoneNumber: string; phoneType: 'mobile' | 'alternateMobile' | 'office' }[];
  /** Registered e-mail method addresses (Graph allows one; more are accepted for tests). */
  emailMethods?: string[];
  /** Profile mobilePhone (default null). */
  mobilePhone?: string | null;
  otherMails?: string[];
  /** Display names of groups the user is a direct member of; a name no group has creates a security group. */
  groups?: string[];
  /** Any other Graph user property (accountEnabled, userType, onPremisesSyncEnabled…). */
  extra?: Record<string, unknown>;
}

/** Company branding as stored: the default (null when none) and the localizations by locale id. */
export interface EmulatedBranding {
  defaultBranding: Record<string, unknown> | null;
  localizations: Record<string, Record<string, unknown>>;
}

/** How the password grant answers a user's *right* password (wrong ones always get AADSTS50126). */
export type PasswordGrantOutcome =
  | 'success'
  | 'locked' // AADSTS50053 (answered even for the right password)
  | 'password_expired' // AADSTS50055
  | 'mfa_required' // AADSTS50076
  | 'mfa_registration_required' // AADSTS50079
  | 'conditional_access'; // AADSTS53003

/** What GET /_emulator/users/{id-or-upn} returns: the whole user plus emulator-side state. */
export interface EmulatedUserSnapshot {
  id: string;
  userPrincipalName: string;
  displayName: string;
  accountEnabled: boolean;
  lastPasswordChangeDateTime: string | null;
  signInSessionsValidFromDateTime: string;
  riskState: string;
  riskLevel: string;
  passwordGrantOutcome: PasswordGrantOutcome;
  phoneMethods: { id: string; phoneNumber: string; phoneType: string; smsSignInState?: string | null }[];
  emailMethods: { id: string; emailAddress: string }[];
  /** Display names of the groups the user belongs to, transitively. */
  groups: string[];
  /** Display names of active directory roles (directly or through a role-assignable group). */
  directoryRoles: string[];
  /** Every other Graph user property (mail, otherMails, usageLocation, onPremisesSyncEnabled, …). */
  [property: string]: unknown;
}

export type FaultKind =
  | { kind: 'latency'; ms: number }
  | { kind: 'status'; status: 429 | 503 | 504; retryAfterSeconds?: number }
  /** 504 returned *after* the change was applied (the ambiguous password change). */
  | { kind: 'status_after_apply'; status: 504 }
  | { kind: 'drop_connection' };

export interface FaultRule {
  /** Method and path prefix to match, e.g. { method: 'PATCH', path: '/v1.0/users/' } or path '/contoso/oauth2/v2.0/token'. */
  method?: string;
  pathPrefix: string;
  fault: FaultKind;
  /** How many matching requests get the fault (default: unlimited). */
  times?: number;
}

export interface EmulatorApp {
  clientId: string;
  clientSecret: string;
  /** Certificate credential registered on the same app (for client-assertion tests). */
  certificate: { certPem: string; keyPem: string; thumbprintSha1: string; thumbprintSha256: string };
}

export interface RunningEmulator {
  /** https://127.0.0.1:PORT — both the authority host and the Graph base (Graph lives under /v1.0). */
  origin: string;
  port: number;
  tenantId: string;
  /** The tenant's primary domain, contoso.example. */
  domain: string;
  /** The app registration the MyPass API uses (client credentials + public client flows for the password grant). */
  apiApp: EmulatorApp;
  /** A second app registration for admin tasks (branding), never the API's. */
  adminApp: EmulatorApp;
  /** Group ids by display name (e.g. 'MyPass Licensed', 'MyPass Two Methods'). */
  groups: Record<string, string>;
  faults: {
    add(rule: FaultRule): void;
    clear(): void;
  };
  /** Requests seen per "METHOD /route-template" (e.g. "GET /v1.0/users"), plus token requests by grant type. */
  counters(): Record<string, number>;
  /** Outer HTTP requests to Graph (path under /v1.0) since the last resetCounters(); a $batch counts once. */
  graphHttpRequests(): number;
  resetCounters(): void;
  /** Set or replace the API app's granted app roles at run time (doctor tests). */
  setApiAppRoles(roles: string[]): void;
  /** Directory-role assignments of the API app's service principal, by role template display name. */
  setApiDirectoryRoles(roles: { roleName: string; scope?: string }[]): void;
  /** Make the password grant answer a user's right password with this outcome (also POST /_emulator/users/{id}/password-grant-outcome). */
  setPasswordGrantOutcome(idOrUpn: string, outcome: PasswordGrantOutcome): void;
  /** Completes a pending device-code sign-in as this user (also POST /_emulator/device-codes/{code}/approve {user}). */
  approveDeviceCode(userCode: string, upn: string): void;
  /** The user declines the sign-in: the client's next poll gets authorization_declined. */
  declineDeviceCode(userCode: string): void;
  /** Device codes waiting for a sign-in (also GET /_emulator/device-codes). */
  pendingDeviceCodes(): { userCode: string; clientId: string; scopes: string[] }[];
  /** The tenant's company branding as stored (also GET /_emulator/branding). */
  branding(): EmulatedBranding;
  /** Replace the application permissions of any app registration (e.g. the admin app) by client id. */
  setAppRoles(clientId: string, roles: string[]): void;
  /** The same view as GET /_emulator/users/{id-or-upn}; undefined when there is no such user. */
  inspectUser(idOrUpn: string): EmulatedUserSnapshot | undefined;
  /** Doctor tests: move the API app's credential expiry dates, or switch public client flows off. */
  updateApiApp(changes: {
    secretEndDateTime?: string;
    certificateEndDateTime?: string;
    publicClientFlows?: boolean;
  }): void;
  /** Doctor tests: delete a group by display name (e.g. to make "licensed groups exist" fail). */
  deleteGroup(displayName: string): void;
  close(): Promise<void>;
}

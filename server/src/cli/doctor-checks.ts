// The checks of `mypass doctor`. Each takes what it needs through DoctorProbe (the directory
// as seen by the app) and returns findings; nothing here prints or exits, so tests can run the
// checks against the emulator and inspect the findings.
import type { Finding } from './doctor-findings.js';

/** Well-known ids of Entra's built-in directory roles (roleDefinitionId = roleTemplateId). */
export const DIRECTORY_ROLES = {
  globalAdministrator: { id: '62e90394-69f5-4237-9190-012177145e10', name: 'Global Administrator' },
  privilegedAuthenticationAdministrator: {
    id: '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
    name: 'Privileged Authentication Administrator',
  },
  privilegedRoleAdministrator: {
    id: 'e8611ab8-c189-46e8-94e1-60213ab1f814',
    name: 'Privileged Role Administrator',
  },
  userAdministrator: { id: 'fe930be7-5e62-47db-91af-98c3a49a38b1', name: 'User Administrator' },
  authenticationAdministrator: {
    id: 'c4e39bd9-1100-46d3-8c65-fb160da0071f',
    name: 'Authentication Administrator',
  },
  helpdeskAdministrator: { id: '729827e3-9c14-49f7-bb1b-9608f156bbb8', name: 'Helpdesk Administrator' },
  passwordAdministrator: { id: '966707d0-3269-4727-9be2-8c3a10f19b9d', name: 'Password Administrator' },
} as const;

const ROLE_NAMES = new Map<string, string>(Object.values(DIRECTORY_ROLES).map((r) => [r.id, r.name]));
const SUFFICIENT_ROLES = new Set<string>([
  DIRECTORY_ROLES.passwordAdministrator.id,
  DIRECTORY_ROLES.helpdeskAdministrator.id,
]);
const EXCESS_ROLES = new Set<string>([
  DIRECTORY_ROLES.globalAdministrator.id,
  DIRECTORY_ROLES.privilegedAuthenticationAdministrator.id,
  DIRECTORY_ROLES.privilegedRoleAdministrator.id,
]);

/** What the configuration switches on; each feature needs its permissions. */
export interface DoctorFeatures {
  dismissRisk: boolean;
  revokeSessions: boolean;
  passwordGrant: boolean;
  /** Group ids MyPass reads memberships of (licensed groups and policy groups). */
  licensedGroupIds: string[];
  policyGroupIds: string[];
}

interface Need {
  permission: string;
  /** Broader permissions that also satisfy it (and are reported as excess). */
  alsoSatisfiedBy: string[];
  why: string;
}

const BASE_NEEDS: Need[] = [
  {
    permission: 'User.Read.All',
    alsoSatisfiedBy: ['User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
    why: 'look users up',
  },
  {
    permission: 'GroupMember.Read.All',
    alsoSatisfiedBy: ['Group.Read.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
    why: 'read group memberships and directory roles (licensing, policies, privilege)',
  },
  {
    permission: 'User-PasswordProfile.ReadWrite.All',
    alsoSatisfiedBy: ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
    why: 'reset passwords',
  },
  {
    permission: 'UserAuthenticationMethod.Read.All',
    alsoSatisfiedBy: ['UserAuthenticationMethod.ReadWrite.All'],
    why: "read users' registered phone and e-mail methods",
  },
];

/** The least-privileged set of entra.md plus what doctor itself reads (all of them accepted). */
export const LEAST_PRIVILEGED = new Set([
  'User.Read.All',
  'GroupMember.Read.All',
  'User-PasswordProfile.ReadWrite.All',
  'UserAuthenticationMethod.Read.All',
  'IdentityRiskyUser.ReadWrite.All',
  'IdentityRiskyUser.Read.All',
  'User.RevokeSessions.All',
  'RoleManagement.Read.Directory',
  'RoleEligibilitySchedule.Read.Directory',
  'Application.Read.All',
]);

export function permissionNeeds(features: DoctorFeatures): Need[] {
  const needs = [...BASE_NEEDS];
  needs.push(
    features.dismissRisk
      ? {
          permission: 'IdentityRiskyUser.ReadWrite.All',
          alsoSatisfiedBy: [],
          why: 'read user risk and dismiss it after a reset (access.policies[].afterReset.dismissRisk)',
        }
      : {
          permission: 'IdentityRiskyUser.Read.All',
          alsoSatisfiedBy: ['IdentityRiskyUser.ReadWrite.All'],
          why: 'read user risk',
        },
  );
  if (features.revokeSessions) {
    needs.push({
      permission: 'User.RevokeSessions.All',
      alsoSatisfiedBy: ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
      why: 'revoke sign-in sessions after a reset (access.policies[].afterReset.revokeSessions)',
    });
  }
  return needs;
}

/** Reads the doctor needs; each answers a value or a failure code, never throws. */
export interface DoctorProbe {
  /** Claims of a fresh app token, or why none was issued. */
  appToken(): Promise<
    | { ok: true; claims: Record<string, unknown>; expiresOn: Date | null }
    | { ok: false; code: string; upstreamCode?: string }
  >;
  application(): Promise<ProbeResult<ApplicationCredentials>>;
  roleAssignments(
    servicePrincipalId: string,
  ): Promise<ProbeResult<{ roleDefinitionId: string; directoryScopeId: string }[]>>;
  group(id: string): Promise<ProbeResult<{ id: string; displayName: string | null }>>;
  /**
   * The Microsoft Graph application permissions granted to the service principal (its app role
   * assignments, i.e. admin consent as it is now); optional so a probe may not offer it.
   */
  grantedPermissions?(servicePrincipalId: string): Promise<ProbeResult<string[]>>;
  /** The password grant for a user that does not exist: which AADSTS answers (or the transport failure). */
  passwordGrantProbe(): Promise<{ aadsts?: string; code?: string }>;
}

export type ProbeResult<T> = { ok: true; value: T } | { ok: false; code: string; upstreamCode?: string };

export interface ApplicationCredentials {
  displayName: string | null;
  passwordCredentials: { hint: string | null; endDateTime: string | null; displayName: string | null }[];
  keyCredentials: {
    customKeyIdentifier: string | null;
    endDateTime: string | null;
    displayName: string | null;
  }[];
}

export interface DoctorSettings {
  features: DoctorFeatures;
  credential:
    { kind: 'secret'; hint: string } | { kind: 'certificate'; thumbprintSha1: string; notAfter: Date };
  now: Date;
}

const DAY_MS = 86_400_000;
const EXPIRY_WARNING_DAYS = 30;

function tokenFailureFix(upstreamCode: string | undefined, code: string): { summary: string; fix: string } {
  switch (upstreamCode) {
    case 'AADSTS7000215':
      return {
        summary: 'The token endpoint refused the client secret (AADSTS7000215: invalid client secret).',
        fix: 'Create a new client secret (Entra admin center › App registrations › MyPass › Certificates & secrets) and set it as directory.clientSecret or AZURE_CLIENT_SECRET. Use the secret Value, not its ID.',
      };
    case 'AADSTS7000222':
      return {
        summary: 'The client secret has expired (AADSTS7000222).',
        fix: 'Create a new client secret in the app registration and update directory.clientSecret / AZURE_CLIENT_SECRET.',
      };
    case 'AADSTS700016':
      return {
        summary: 'No application with this client id exists in the tenant (AADSTS700016).',
        fix: 'Check directory.clientId / AZURE_CLIENT_ID (Application (client) ID) and directory.tenantId / AZURE_TENANT_ID.',
      };
    case 'AADSTS90002':
    case 'AADSTS900023':
      return {
        summary: `The tenant was not found (${upstreamCode}).`,
        fix: 'Check directory.tenantId / AZURE_TENANT_ID.',
      };
    case 'AADSTS700027':
    case 'AADSTS700024':
      return {
        summary: `The certificate assertion was refused (${upstreamCode}).`,
        fix: "Upload the certificate (public part of directory.clientCertificatePath) to the app registration's Certificates & secrets, and check the server's clock.",
      };
    case 'certificate_unreadable':
      return {
        summary: 'The certificate file could not be read or holds no usable key and certificate.',
        fix: 'directory.clientCertificatePath must name a PEM file with the PRIVATE KEY and the CERTIFICATE.',
      };
    default:
      return {
        summary: `No token could be obtained (${code}${upstreamCode ? `: ${upstreamCode}` : ''}).`,
        fix:
          code === 'directory_unavailable'
            ? 'Check that the authority host is reachable from this server (firewall, outbound proxy: directory.proxy or HTTPS_PROXY).'
            : 'Check directory.tenantId, directory.clientId and the credential.',
      };
  }
}

function expiryFinding(check: string, what: string, end: Date | null, now: Date, fix: string): Finding {
  if (end === null) return { check, status: 'info', summary: `The ${what} has no expiry date.` };
  const days = Math.floor((end.getTime() - now.getTime()) / DAY_MS);
  const date = end.toISOString().slice(0, 10);
  if (end.getTime() <= now.getTime())
    return { check, status: 'fail', summary: `The ${what} expired on ${date}.`, fix };
  if (days < EXPIRY_WARNING_DAYS) {
    return {
      check,
      status: 'warn',
      summary: `The ${what} expires in ${days} day${days === 1 ? '' : 's'} (${date}).`,
      fix,
    };
  }
  return { check, status: 'pass', summary: `The ${what} is valid until ${date} (${days} days).` };
}

export async function runDoctorChecks(probe: DoctorProbe, settings: DoctorSettings): Promise<Finding[]> {
  const findings: Finding[] = [];
  const { features, credential, now } = settings;

  // 1. A token.
  const token = await probe.appToken();
  if (!token.ok) {
    const { summary, fix } = tokenFailureFix(token.upstreamCode, token.code);
    findings.push({ check: 'token', status: 'fail', summary, fix });
    if (credential.kind === 'certificate') {
      findings.push(
        expiryFinding(
          'credential.expiry',
          'certificate',
          credential.notAfter,
          now,
          'Issue a new certificate, upload it to the app registration and point directory.clientCertificatePath at it.',
        ),
      );
    }
    findings.push(await passwordGrantFinding(probe, features));
    return findings;
  }
  findings.push({
    check: 'token',
    status: 'pass',
    summary: `An app-only token was issued (${credential.kind === 'secret' ? 'client secret' : 'certificate'}).`,
  });

  // 2. Application permissions in the token.
  const tokenRoles = new Set(
    Array.isArray(token.claims['roles'])
      ? (token.claims['roles'] as unknown[]).filter((r): r is string => typeof r === 'string')
      : [],
  );
  // What is granted now (the service principal's app role assignments) decides; the token shows
  // the grant as it was when it was issued, so the two differ for up to an hour after a change.
  const oid = typeof token.claims['oid'] === 'string' ? token.claims['oid'] : undefined;
  const granted =
    oid !== undefined && probe.grantedPermissions ? await probe.grantedPermissions(oid) : undefined;
  const roles = granted?.ok ? new Set(granted.value) : tokenRoles;
  const source = granted?.ok ? 'the app role assignments' : 'the token';
  if (granted?.ok) {
    const notYet = [...roles].filter((r) => !tokenRoles.has(r)).sort();
    const revoked = [...tokenRoles].filter((r) => !roles.has(r)).sort();
    if (notYet.length > 0 || revoked.length > 0) {
      findings.push({
        check: 'permissions.token',
        status: 'info',
        summary:
          'The token MyPass holds predates the latest permission change; the next token (within the hour) carries it.',
        details: [
          ...(notYet.length > 0 ? [`granted, not yet in the token: ${notYet.join(', ')}`] : []),
          ...(revoked.length > 0 ? [`in the token, no longer granted: ${revoked.join(', ')}`] : []),
        ],
      });
    }
  }
  const needs = permissionNeeds(features);
  const missing = needs.filter(
    (n) => !roles.has(n.permission) && !n.alsoSatisfiedBy.some((p) => roles.has(p)),
  );
  if (missing.length > 0) {
    findings.push({
      check: 'permissions.missing',
      status: 'fail',
      summary: `Missing application permission${missing.length > 1 ? 's' : ''}: ${missing.map((m) => m.permission).join(', ')}.`,
      details: [...missing.map((m) => `${m.permission}: needed to ${m.why}`), `read from ${source}`],
      fix: 'Entra admin center › App registrations › MyPass › API permissions › Add a permission › Microsoft Graph › Application permissions; add them, then "Grant admin consent".',
    });
  } else {
    findings.push({
      check: 'permissions.missing',
      status: 'pass',
      summary: `The app holds every permission the configured features need, according to ${source} (${[...roles].sort().join(', ')}).`,
      details: needs.map((n) => `${n.permission}: ${n.why}`),
    });
  }
  const excess = [...roles].filter((r) => !LEAST_PRIVILEGED.has(r)).sort();
  if (excess.length > 0) {
    findings.push({
      check: 'permissions.excess',
      status: 'warn',
      summary: `More than MyPass needs: ${excess.join(', ')}.`,
      details: [
        'Least-privileged set: User.Read.All, GroupMember.Read.All, User-PasswordProfile.ReadWrite.All, UserAuthenticationMethod.Read.All, IdentityRiskyUser.ReadWrite.All (risk dismissal), User.RevokeSessions.All (session revocation); doctor also reads with Application.Read.All and RoleManagement.Read.Directory.',
      ],
      fix: `Remove ${excess.join(', ')} from the app's API permissions (and revoke the admin consent for them).`,
    });
  }
  const directoryRead = roles.has('Directory.Read.All') || roles.has('Directory.ReadWrite.All');
  if (
    !roles.has('RoleManagement.Read.Directory') &&
    !roles.has('RoleEligibilitySchedule.Read.Directory') &&
    !directoryRead
  ) {
    findings.push({
      check: 'permissions.pim',
      status: 'warn',
      summary:
        'Without RoleManagement.Read.Directory, PIM-eligible administrators are not recognised as privileged.',
      fix: 'Add the application permission RoleManagement.Read.Directory (or RoleEligibilitySchedule.Read.Directory) and grant admin consent.',
    });
  }
  if (!roles.has('Application.Read.All') && !directoryRead) {
    findings.push({
      check: 'permissions.doctor',
      status: 'info',
      summary: "Without Application.Read.All, doctor cannot read the client secret's expiry.",
    });
  }

  // 3. The service principal's directory role and its scope.
  const servicePrincipalId = typeof token.claims['oid'] === 'string' ? token.claims['oid'] : undefined;
  if (servicePrincipalId !== undefined)
    findings.push(...(await directoryRoleFindings(probe, servicePrincipalId)));

  // 4. Credential expiry.
  findings.push(...(await credentialExpiryFindings(probe, settings)));

  // 5. Licensed and policy groups exist.
  findings.push(...(await groupFindings(probe, features)));

  // 6. The password grant.
  findings.push(await passwordGrantFinding(probe, features));
  return findings;
}

async function directoryRoleFindings(probe: DoctorProbe, servicePrincipalId: string): Promise<Finding[]> {
  const assignments = await probe.roleAssignments(servicePrincipalId);
  if (!assignments.ok) {
    return [
      {
        check: 'directory-role',
        status: 'warn',
        summary: `Could not read the service principal's directory roles (${assignments.upstreamCode ?? assignments.code}).`,
        fix: 'Grant RoleManagement.Read.Directory so doctor can check, or verify by hand that the MyPass service principal holds Password Administrator.',
      },
    ];
  }
  const findings: Finding[] = [];
  const scopeText = (scope: string) =>
    scope === '/'
      ? 'the whole tenant'
      : scope.startsWith('/administrativeUnits/')
        ? `administrative unit ${scope.slice('/administrativeUnits/'.length)} only`
        : scope;
  const sufficient = assignments.value.filter((a) => SUFFICIENT_ROLES.has(a.roleDefinitionId));
  if (sufficient.length === 0) {
    findings.push({
      check: 'directory-role',
      status: 'fail',
      summary:
        'The service principal holds neither Password Administrator nor Helpdesk Administrator: Graph will refuse every reset (403).',
      fix: 'Entra admin center › Roles and administrators › Password Administrator › Add assignments › the MyPass app (scope: the tenant, or the administrative unit of the users MyPass serves).',
    });
  } else {
    for (const a of sufficient) {
      findings.push({
        check: 'directory-role',
        status: 'pass',
        summary: `${ROLE_NAMES.get(a.roleDefinitionId) ?? a.roleDefinitionId}, scoped to ${scopeText(a.directoryScopeId)}.`,
        ...(a.directoryScopeId !== '/'
          ? {
              details: [
                'Users outside that administrative unit cannot be reset; MyPass answers them with a decoy flow.',
              ],
            }
          : {}),
      });
    }
  }
  for (const a of assignments.value.filter((x) => EXCESS_ROLES.has(x.roleDefinitionId))) {
    const name = ROLE_NAMES.get(a.roleDefinitionId) ?? a.roleDefinitionId;
    findings.push({
      check: 'directory-role.excess',
      status: 'warn',
      summary: `The service principal holds ${name} (${scopeText(a.directoryScopeId)}): it could reset administrators' passwords.`,
      fix: `Remove the ${name} assignment; Password Administrator is enough (MyPass never resets privileged accounts).`,
    });
  }
  return findings;
}

async function credentialExpiryFindings(probe: DoctorProbe, settings: DoctorSettings): Promise<Finding[]> {
  const { credential, now } = settings;
  const renewSecret =
    'Create a new client secret (App registrations › MyPass › Certificates & secrets), set it as directory.clientSecret / AZURE_CLIENT_SECRET, then delete the old one.';
  const renewCertificate =
    'Issue a new certificate, upload its public part to the app registration, point directory.clientCertificatePath at the new PEM, then remove the old one.';
  if (credential.kind === 'certificate') {
    return [expiryFinding('credential.expiry', 'certificate', credential.notAfter, now, renewCertificate)];
  }
  const app = await probe.application();
  if (!app.ok) {
    return [
      {
        check: 'credential.expiry',
        status: 'warn',
        summary: `Could not read the app registration to check the secret's expiry (${app.upstreamCode ?? app.code}).`,
        fix: "Grant Application.Read.All so doctor can check, or read the secret's expiry in the app registration.",
      },
    ];
  }
  const secrets = app.value.passwordCredentials;
  const ours = secrets.filter((s) => s.hint !== null && s.hint === credential.hint);
  const candidates = ours.length > 0 ? ours : secrets;
  if (candidates.length === 0) {
    return [
      {
        check: 'credential.expiry',
        status: 'warn',
        summary: 'The app registration lists no client secret.',
        fix: renewSecret,
      },
    ];
  }
  // The latest-expiring match (two secrets may share a hint); no end date means never expires.
  const ends = candidates.map((s) => (s.endDateTime ? new Date(s.endDateTime) : null));
  const end = ends.some((e) => e === null)
    ? null
    : ends.reduce<Date | null>((a, b) => (a === null || (b !== null && b > a) ? b : a), null);
  const finding = expiryFinding('credential.expiry', 'client secret', end, now, renewSecret);
  if (ours.length === 0)
    finding.details = ['The secret in use could not be told apart by its hint; the latest expiry is shown.'];
  return [finding];
}

async function groupFindings(probe: DoctorProbe, features: DoctorFeatures): Promise<Finding[]> {
  const findings: Finding[] = [];
  if (features.licensedGroupIds.length === 0) {
    findings.push({
      check: 'groups.licensed',
      status: 'info',
      summary: 'No licensed groups configured (access.licensedGroups): every user counts as licensed.',
    });
  }
  const ids = [
    ...features.licensedGroupIds.map((id) => ({ id, where: 'access.licensedGroups' })),
    ...features.policyGroupIds.map((id) => ({ id, where: 'access.policies[].groups' })),
  ];
  const seen = new Set<string>();
  for (const { id, where } of ids) {
    if (seen.has(id)) continue;
    seen.add(id);
    const group = await probe.group(id);
    const check = where === 'access.licensedGroups' ? 'groups.licensed' : 'groups.policy';
    if (group.ok) {
      findings.push({
        check,
        status: 'pass',
        summary: `Group ${id} exists (${group.value.displayName ?? 'no name'}), used by ${where}.`,
      });
    } else if (group.code === 'not_found') {
      findings.push({
        check,
        status: 'fail',
        summary: `Group ${id} (${where}) does not exist in the tenant.`,
        fix: `Correct the id in ${where} (Entra admin center › Groups › the group › Object ID).`,
      });
    } else {
      findings.push({
        check,
        status: 'warn',
        summary: `Group ${id} (${where}) could not be read (${group.upstreamCode ?? group.code}).`,
        fix: 'Grant GroupMember.Read.All (or Group.Read.All) so MyPass can read groups.',
      });
    }
  }
  return findings;
}

async function passwordGrantFinding(probe: DoctorProbe, features: DoctorFeatures): Promise<Finding> {
  if (!features.passwordGrant) {
    return {
      check: 'password-grant',
      status: 'info',
      summary:
        'The password grant is switched off (directory.passwordGrant.enabled: false): enrollment with the current password is unavailable.',
    };
  }
  const answer = await probe.passwordGrantProbe();
  if (answer.aadsts !== undefined && ['50034', '50126', '50053', '50057'].includes(answer.aadsts)) {
    return {
      check: 'password-grant',
      status: 'pass',
      summary: `The password grant is usable (a probe for a user that does not exist answered AADSTS${answer.aadsts}).`,
      details: [
        'Federated users and users whom Conditional Access requires MFA from cannot use it; exclude the MyPass app from such policies where enrollment must work (AADSTS50076/53003).',
      ],
    };
  }
  if (answer.aadsts === '7000218') {
    return {
      check: 'password-grant',
      status: 'fail',
      summary:
        'The password grant is not usable: public client flows are disabled for the app (AADSTS7000218).',
      fix: 'App registrations › MyPass › Authentication › Advanced settings › "Allow public client flows": Yes — or set directory.passwordGrant.enabled: false to do without enrollment by password.',
    };
  }
  return {
    check: 'password-grant',
    status: 'warn',
    summary: `The password grant probe answered ${answer.aadsts !== undefined ? `AADSTS${answer.aadsts}` : (answer.code ?? 'nothing')}: it may not be usable.`,
    fix: 'Check that the app allows public client flows and that no Conditional Access policy blocks the password grant for it.',
  };
}

// The emulated tenant: users, groups, role assignments and app registrations, re-seeded in memory
// at every start. Entities are shaped with Microsoft's own Graph types.
import { createHash, randomBytes } from 'node:crypto';
import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import type { EmulatorSeedUser, PasswordGrantOutcome } from './api.js';
import { seedBranding, type BrandingState } from './branding.js';
import { createClientCertificate } from './ca.js';
import {
  DEFAULT_API_APP_ROLES,
  DIRECTORY_ROLE_TEMPLATES,
  MICROSOFT_GRAPH_APP_ID,
  graphAppRoles,
} from './graph-permissions.js';

export const TENANT_DOMAIN = 'contoso.example';

/** A GUID derived from a name, so ids are the same at every start (fixtures and docs can name them). */
export function fixedId(name: string): string {
  const h = createHash('sha1').update(`mypass-entra-emulator:${name}`).digest('hex');
  const variant = ((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

export const TENANT_ID = fixedId('tenant:contoso.example');
export const API_APP_CLIENT_ID = fixedId('app:mypass-api');
export const ADMIN_APP_CLIENT_ID = fixedId('app:mypass-admin');

export type { PasswordGrantOutcome };

export type GraphUser = MicrosoftGraph.User & { id: string; userPrincipalName: string; displayName: string };

export interface UserRecord {
  user: GraphUser;
  password: string;
  passwordGrantOutcome: PasswordGrantOutcome;
  phoneMethods: (MicrosoftGraph.PhoneAuthenticationMethod & { id: string; phoneNumber: string })[];
  emailMethods: (MicrosoftGraph.EmailAuthenticationMethod & { id: string; emailAddress: string })[];
  risk: MicrosoftGraph.RiskyUser | null;
  /** Set by revokeSignInSessions. */
  signInSessionsValidFromDateTime: string;
}

export interface GroupRecord {
  group: MicrosoftGraph.Group & { id: string; displayName: string };
  /** Direct members: user or group ids. */
  memberIds: Set<string>;
}

export interface AppRecord {
  application: MicrosoftGraph.Application & { id: string; appId: string };
  servicePrincipal: MicrosoftGraph.ServicePrincipal & { id: string; appId: string };
  clientSecret: string;
  certificate: { certPem: string; keyPem: string; thumbprintSha1: string; thumbprintSha256: string };
  appRoles: string[];
  /** Delegated permissions consented for the app (device-code sign-in of an administrator). */
  delegatedScopes: string[];
}

export type RoleAssignment = MicrosoftGraph.UnifiedRoleAssignment & {
  id: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string;
};
export type RoleEligibility = MicrosoftGraph.UnifiedRoleEligibilitySchedule & {
  id: string;
  principalId: string;
  roleDefinitionId: string;
};

export interface Tenant {
  id: string;
  domain: string;
  users: Map<string, UserRecord>;
  /** By lower-case user principal name (UPNs never change here). */
  usersByUpn: Map<string, UserRecord>;
  groups: Map<string, GroupRecord>;
  roleAssignments: RoleAssignment[];
  roleEligibilities: RoleEligibility[];
  /** By client id (appId). */
  apps: Map<string, AppRecord>;
  graphServicePrincipal: MicrosoftGraph.ServicePrincipal & { id: string; appId: string };
  /** Company branding: the default and its localizations. */
  branding: BrandingState;
}

/** The directoryRole *object* id of an activated role template in this tenant (stable). */
export function directoryRoleObjectId(templateId: string): string {
  return fixedId(`directoryRole:${templateId}`);
}

type Country = 'DK' | 'US' | 'GB' | 'SA' | 'DE' | 'IE';
const DIAL: Record<Country, string> = { DK: '45', US: '1', GB: '44', SA: '966', DE: '49', IE: '353' };

interface SeedUser {
  upnLocal: string;
  givenName: string;
  surname: string;
  displayName?: string;
  password: string;
  country: Country;
  /** National significant number of the registered mobile (Graph shows "+{cc} {number}"). */
  mobile?: string;
  /** Profile mobilePhone as typed by an admin or HR sync. */
  profileMobile?: string | null;
  emailMethod?: string;
  otherMails?: string[];
  licensed: boolean;
  extra?: Partial<MicrosoftGraph.User>;
  outcome?: PasswordGrantOutcome;
  risk?: boolean;
  jobTitle?: string;
}

// Initial passwords are listed in the README; every one satisfies Entra's rule.
const DEMO_USERS: SeedUser[] = [
  {
    upnLocal: 'adele.vance',
    givenName: 'Adele',
    surname: 'Vance',
    password: 'Contoso-Harbour-2026!',
    country: 'DK',
    mobile: '20123456',
    profileMobile: '20 12 34 56',
    emailMethod: 'adele.vance@gmail.example',
    licensed: true,
    jobTitle: 'Retail Manager',
  },
  {
    upnLocal: 'alex.wilber',
    givenName: 'Alex',
    surname: 'Wilber',
    password: 'Contoso-Maple-2026!',
    country: 'US',
    mobile: '2065550101',
    profileMobile: '+12065550101',
    licensed: true,
    jobTitle: 'Marketing Assistant',
  },
  {
    upnLocal: 'megan.bowen',
    givenName: 'Megan',
    surname: 'Bowen',
    password: 'Contoso-Prairie-2026!',
    country: 'US',
    otherMails: ['megan.bowen@outlook.example'],
    profileMobile: null,
    licensed: true,
    jobTitle: 'Auditor',
  },
  {
    upnLocal: 'lee.gu',
    givenName: 'Lee',
    surname: 'Gu',
    password: 'Contoso-Thames-2026!',
    country: 'GB',
    mobile: '7400123456',
    emailMethod: 'lee.gu@personal.example',
    licensed: true,
    jobTitle: 'Director',
  },
  {
    upnLocal: 'isaiah.langer',
    givenName: 'Isaiah',
    surname: 'Langer',
    password: 'Contoso-Granite-2026!',
    country: 'US',
    mobile: '2065550102',
    licensed: true,
    outcome: 'locked',
    jobTitle: 'Sales Rep',
  },
  {
    upnLocal: 'diego.siciliani',
    givenName: 'Diego',
    surname: 'Siciliani',
    password: 'Contoso-Fjord-2026!',
    country: 'DK',
    mobile: '20123457',
    emailMethod: 'diego.siciliani@mail.example',
    licensed: true,
    risk: true,
    jobTitle: 'HR Manager',
  },
  {
    upnLocal: 'grady.archie',
    givenName: 'Grady',
    surname: 'Archie',
    password: 'Contoso-Canyon-2026!',
    country: 'US',
    mobile: '2065550103',
    licensed: true,
    extra: { accountEnabled: false },
    jobTitle: 'Designer',
  },
  {
    upnLocal: 'nestor.wilke',
    givenName: 'Nestor',
    surname: 'Wilke',
    password: 'Contoso-Harvest-2026!',
    country: 'US',
    mobile: '2065550104',
    licensed: true,
    extra: {
      onPremisesSyncEnabled: true,
      onPremisesSamAccountName: 'nwilke',
      onPremisesImmutableId: 'q2Zx0m5W9kSgY4b1qG3u8A==',
      onPremisesLastSyncDateTime: '2026-11-27T22:00:00Z',
    },
    jobTitle: 'Operations Director',
  },
  {
    upnLocal: 'irvin.sayers',
    givenName: 'Irvin',
    surname: 'Sayers',
    password: 'Contoso-Summit-2026!',
    country: 'US',
    mobile: '2065550105',
    licensed: false,
    jobTitle: 'VP Sales',
  },
  {
    upnLocal: 'patti.fernandez',
    givenName: 'Patti',
    surname: 'Fernandez',
    password: 'Contoso-Beacon-2026!',
    country: 'US',
    mobile: '2065550106',
    licensed: true,
    jobTitle: 'President',
  },
  {
    upnLocal: 'pradeep.gupta',
    givenName: 'Pradeep',
    surname: 'Gupta',
    password: 'Contoso-Monsoon-2026!',
    country: 'US',
    mobile: '2065550107',
    licensed: true,
    jobTitle: 'Accountant',
  },
  {
    upnLocal: 'lynne.robbins',
    givenName: 'Lynne',
    surname: 'Robbins',
    password: 'Contoso-Oasis-2026!',
    country: 'SA',
    mobile: '501234567',
    licensed: true,
    extra: { employeeId: '100123', preferredLanguage: 'ar-SA' },
    jobTitle: 'Planner',
  },
  {
    upnLocal: 'johanna.lorenz',
    givenName: 'Johanna',
    surname: 'Lorenz',
    password: 'Contoso-Linden-2026!',
    country: 'DE',
    mobile: '15112345678',
    licensed: true,
    extra: { preferredLanguage: 'de-DE' },
    jobTitle: 'Senior Engineer',
  },
  {
    upnLocal: 'miriam.graham',
    givenName: 'Miriam',
    surname: 'Graham',
    password: 'Contoso-Cedar-2026!',
    country: 'US',
    mobile: '2065550108',
    licensed: true,
    outcome: 'mfa_required',
    jobTitle: 'Director',
  },
  {
    upnLocal: 'guest.user_fabrikam.example#EXT#',
    givenName: 'Guest',
    surname: 'User',
    displayName: 'Guest User (Fabrikam)',
    password: 'Contoso-Visitor-2026!',
    country: 'US',
    mobile: '2065550109',
    licensed: true,
    extra: { userType: 'Guest', mail: 'guest.user@fabrikam.example', creationType: 'Invitation' },
  },
  {
    upnLocal: 'break.glass',
    givenName: 'Break',
    surname: 'Glass',
    displayName: 'Break Glass (emergency access)',
    password: 'Contoso-Emergency-2026!',
    country: 'US',
    mobile: '2065550110',
    licensed: true,
  },
  {
    upnLocal: "o'brien",
    givenName: 'Conor',
    surname: "O'Brien",
    displayName: "Conor O'Brien",
    password: 'Contoso-Shamrock-2026!',
    country: 'US',
    mobile: '2065550112',
    licensed: true,
    jobTitle: 'Field Engineer',
  },
  {
    upnLocal: 'henrietta.mueller',
    givenName: 'Henrietta',
    surname: 'Mueller',
    password: 'Contoso-Rhine-2026!',
    country: 'DE',
    mobile: '15112345679',
    otherMails: ['shared.desk@contoso.example'],
    licensed: true,
  },
  {
    upnLocal: 'henry.mueller',
    givenName: 'Henry',
    surname: 'Mueller',
    password: 'Contoso-Danube-2026!',
    country: 'DE',
    mobile: '15112345680',
    otherMails: ['shared.desk@contoso.example'],
    licensed: true,
  },
  {
    upnLocal: 'raul.razo',
    givenName: 'Raul',
    surname: 'Razo',
    password: 'Contoso-Mesa-2026!',
    country: 'US',
    mobile: '2065550111',
    licensed: true,
    jobTitle: 'Helpdesk Lead',
  },
];

export const GROUP_NAMES = {
  licensed: 'MyPass Licensed',
  twoMethods: 'MyPass Two Methods',
  helpdeskOperators: 'Helpdesk Operators',
  copenhagen: 'Copenhagen Office',
  allStaff: 'All Staff',
} as const;

const PAST = '2026-03-02T08:15:00Z';

// Graph's fixed ids of the phone methods, one per phone type.
const PHONE_METHOD_IDS: Record<string, string> = {
  mobile: '3179e48a-750b-4051-897c-87b9720928f7',
  alternatemobile: 'b6332ec1-7057-4abe-9331-3d72feddfe41',
  office: 'e37fc753-ff3b-4958-9484-eaa9425c82bc',
};

/** What every seeded member has unless its seed says otherwise. */
const memberDefaults = {
  businessPhones: [],
  preferredLanguage: 'en-US',
  employeeId: null,
  userType: 'Member',
  creationType: null,
  onPremisesSyncEnabled: null,
  passwordPolicies: null,
  createdDateTime: '2025-09-01T10:00:00Z',
} satisfies Partial<GraphUser>;

function buildUser(seed: SeedUser, index: number): UserRecord {
  const upn = `${seed.upnLocal}@${TENANT_DOMAIN}`;
  const id = fixedId(`user:${upn.toLowerCase()}`);
  const displayName = seed.displayName ?? `${seed.givenName} ${seed.surname}`;
  const user: GraphUser = {
    givenName: seed.givenName,
    surname: seed.surname,
    jobTitle: seed.jobTitle ?? null,
    officeLocation: null,
    accountEnabled: true,
    mail: upn,
    otherMails: seed.otherMails ?? [],
    mobilePhone:
      seed.profileMobile !== undefined
        ? seed.profileMobile
        : seed.mobile
          ? `+${DIAL[seed.country]}${seed.mobile}`
          : null,
    ...memberDefaults,
    usageLocation: seed.country,
    // Staggered past dates, so "changed since" checks have something to compare against.
    lastPasswordChangeDateTime: new Date(Date.parse(PAST) + index * 86_400_000)
      .toISOString()
      .replace('.000', ''),
    ...seed.extra,
    id,
    userPrincipalName: upn,
    displayName,
  };
  return {
    user,
    password: seed.password,
    passwordGrantOutcome: seed.outcome ?? 'success',
    phoneMethods: seed.mobile
      ? [
          {
            id: PHONE_METHOD_IDS['mobile'] as string,
            phoneNumber: `+${DIAL[seed.country]} ${seed.mobile}`,
            phoneType: 'mobile',
            smsSignInState: 'notAllowedByPolicy',
          },
        ]
      : [],
    emailMethods: seed.emailMethod
      ? [{ id: fixedId(`emailMethod:${id}`), emailAddress: seed.emailMethod }]
      : [],
    risk: seed.risk
      ? {
          id,
          userPrincipalName: upn,
          userDisplayName: displayName,
          isDeleted: false,
          isProcessing: false,
          riskState: 'atRisk',
          riskLevel: 'medium',
          riskDetail: 'none',
          riskLastUpdatedDateTime: '2026-11-20T07:42:00Z',
        }
      : null,
    signInSessionsValidFromDateTime: user.createdDateTime ?? PAST,
  };
}

/** A test's user of a controlled shape: only what the seed names, nothing derived. */
function buildSeededUser(seed: EmulatorSeedUser): UserRecord {
  const upn = `${seed.upnLocal}@${TENANT_DOMAIN}`;
  const id = fixedId(`user:${upn.toLowerCase()}`);
  const user: GraphUser = {
    givenName: seed.upnLocal,
    surname: null,
    accountEnabled: true,
    mail: upn,
    otherMails: seed.otherMails ?? [],
    mobilePhone: seed.mobilePhone ?? null,
    ...memberDefaults,
    usageLocation: seed.usageLocation ?? null,
    lastPasswordChangeDateTime: PAST,
    ...seed.extra,
    id,
    userPrincipalName: upn,
    displayName: seed.upnLocal,
  };
  return {
    user,
    password: 'Contoso-Seeded-2026!',
    passwordGrantOutcome: 'success',
    phoneMethods: (seed.phoneMethods ?? []).map((m) => ({
      id: PHONE_METHOD_IDS[m.phoneType.toLowerCase()] ?? fixedId(`phoneMethod:${id}:${m.phoneType}`),
      phoneNumber: m.phoneNumber,
      phoneType: m.phoneType,
      smsSignInState: 'notAllowedByPolicy',
    })),
    emailMethods: (seed.emailMethods ?? []).map((address, i) => ({
      id: fixedId(`emailMethod:${id}:${i}`),
      emailAddress: address,
    })),
    risk: null,
    signInSessionsValidFromDateTime: PAST,
  };
}

function generatedUser(n: number): SeedUser {
  const num = String(n).padStart(5, '0');
  return {
    upnLocal: `user${num}`,
    givenName: 'Bench',
    surname: `User ${num}`,
    password: 'Contoso-Bench-2026!',
    country: 'US',
    // 425-2xx-xxxx: valid US numbers for libphonenumber, unique per generated user.
    mobile: `425${String(2_000_000 + n)}`,
    licensed: true,
  };
}

function newApp(displayName: string, clientId: string, appRoles: string[], publicClient: boolean): AppRecord {
  const certificate = createClientCertificate(`${displayName} (emulator)`, 365);
  const now = Date.now();
  const clientSecret = `${randomBytes(3).toString('hex').slice(0, 3)}8Q~${randomBytes(27).toString('base64url')}`;
  const appObjectId = fixedId(`application:${clientId}`);
  return {
    clientSecret,
    certificate,
    appRoles,
    delegatedScopes: [],
    application: {
      id: appObjectId,
      appId: clientId,
      displayName,
      signInAudience: 'AzureADMyOrg',
      isFallbackPublicClient: publicClient,
      createdDateTime: '2025-09-01T10:00:00Z',
      passwordCredentials: [
        {
          keyId: fixedId(`secret:${clientId}`),
          displayName: 'emulator secret',
          hint: clientSecret.slice(0, 3),
          startDateTime: new Date(now - 86_400_000).toISOString(),
          endDateTime: new Date(now + 180 * 86_400_000).toISOString(),
          secretText: null,
        },
      ],
      keyCredentials: [
        {
          keyId: fixedId(`cert:${clientId}`),
          displayName: `CN=${displayName} (emulator)`,
          type: 'AsymmetricX509Cert',
          usage: 'Verify',
          customKeyIdentifier: certificate.thumbprintSha1,
          startDateTime: new Date(now - 60_000).toISOString(),
          endDateTime: new Date(now + 365 * 86_400_000).toISOString(),
        },
      ],
    },
    servicePrincipal: {
      id: fixedId(`servicePrincipal:${clientId}`),
      appId: clientId,
      displayName,
      servicePrincipalType: 'Application',
      accountEnabled: true,
      appRoleAssignmentRequired: false,
      servicePrincipalNames: [clientId],
      appOwnerOrganizationId: TENANT_ID,
    },
  };
}

export function createTenant(
  opts: { generatedUsers?: number; apiAppRoles?: string[]; extraUsers?: EmulatorSeedUser[] } = {},
): Tenant {
  const users = new Map<string, UserRecord>();
  DEMO_USERS.forEach((seed, i) => {
    const r = buildUser(seed, i);
    users.set(r.user.id, r);
  });
  const licensedSeeds = DEMO_USERS.filter((s) => s.licensed).map((s) =>
    fixedId(`user:${s.upnLocal}@${TENANT_DOMAIN}`.toLowerCase()),
  );
  const generated: string[] = [];
  for (let n = 1; n <= (opts.generatedUsers ?? 0); n++) {
    const r = buildUser(generatedUser(n), DEMO_USERS.length + (n % 200));
    users.set(r.user.id, r);
    generated.push(r.user.id);
  }
  for (const seed of opts.extraUsers ?? []) {
    const r = buildSeededUser(seed);
    if (users.has(r.user.id)) throw new Error(`seeded user ${seed.upnLocal} exists already`);
    users.set(r.user.id, r);
  }
  const userId = (local: string): string => fixedId(`user:${local}@${TENANT_DOMAIN}`.toLowerCase());

  const groups = new Map<string, GroupRecord>();
  const addGroup = (
    displayName: string,
    memberIds: string[],
    extra: Partial<MicrosoftGraph.Group> = {},
  ): string => {
    const id = fixedId(`group:${displayName}`);
    groups.set(id, {
      group: {
        description: null,
        securityEnabled: true,
        mailEnabled: false,
        mailNickname: displayName.toLowerCase().replace(/[^a-z0-9]/g, ''),
        groupTypes: [],
        isAssignableToRole: false,
        createdDateTime: '2025-09-01T10:00:00Z',
        ...extra,
        id,
        displayName,
      },
      memberIds: new Set(memberIds),
    });
    return id;
  };
  // Adele is licensed only through a nested group: proves that membership checks are transitive.
  const adele = userId('adele.vance');
  const copenhagen = addGroup(GROUP_NAMES.copenhagen, [adele, userId('diego.siciliani')]);
  addGroup(GROUP_NAMES.licensed, [copenhagen, ...licensedSeeds.filter((id) => id !== adele), ...generated], {
    description: 'People who may use MyPass',
  });
  addGroup(GROUP_NAMES.twoMethods, [userId('lee.gu')], {
    description: 'MyPass policy: two verified methods required',
  });
  const helpdesk = addGroup(GROUP_NAMES.helpdeskOperators, [userId('raul.razo')], {
    isAssignableToRole: true,
    description: 'Role-assignable group holding Helpdesk Administrator',
  });
  addGroup(GROUP_NAMES.allStaff, [...DEMO_USERS.map((s) => userId(s.upnLocal))], {
    description: 'Everyone (not a licensing group)',
  });
  for (const seed of opts.extraUsers ?? []) {
    for (const name of seed.groups ?? []) {
      const existing = groups.get(fixedId(`group:${name}`));
      if (existing) existing.memberIds.add(userId(seed.upnLocal));
      else addGroup(name, [userId(seed.upnLocal)]);
    }
  }

  const apiApp = newApp(
    'MyPass API',
    API_APP_CLIENT_ID,
    [...(opts.apiAppRoles ?? DEFAULT_API_APP_ROLES)],
    true,
  );
  // The second registration for admin tasks (T14): branding as itself, or an administrator signing
  // in through it with a device code (public client flows on).
  const adminApp = newApp(
    'MyPass Admin',
    ADMIN_APP_CLIENT_ID,
    ['OrganizationalBranding.ReadWrite.All'],
    true,
  );
  adminApp.delegatedScopes = ['User.Read', 'OrganizationalBranding.ReadWrite.All'];
  const apps = new Map<string, AppRecord>([
    [apiApp.application.appId, apiApp],
    [adminApp.application.appId, adminApp],
  ]);

  const assignment = (principalId: string, roleName: string, scope = '/'): RoleAssignment => {
    const roleDefinitionId = DIRECTORY_ROLE_TEMPLATES[roleName];
    if (!roleDefinitionId) throw new Error(`unknown directory role ${roleName}`);
    return {
      id: fixedId(`roleAssignment:${principalId}:${roleDefinitionId}:${scope}`),
      principalId,
      roleDefinitionId,
      directoryScopeId: scope,
    };
  };
  const roleAssignments: RoleAssignment[] = [
    assignment(userId('patti.fernandez'), 'Global Administrator'),
    assignment(helpdesk, 'Helpdesk Administrator'),
    assignment(apiApp.servicePrincipal.id, 'Password Administrator'),
  ];
  const pradeep = userId('pradeep.gupta');
  const roleEligibilities: RoleEligibility[] = [
    {
      id: fixedId(`roleEligibility:${pradeep}`),
      principalId: pradeep,
      roleDefinitionId: DIRECTORY_ROLE_TEMPLATES['User Administrator'] ?? '',
      directoryScopeId: '/',
      appScopeId: null,
      memberType: 'Direct',
      status: 'Provisioned',
      createdDateTime: '2026-02-01T09:00:00Z',
      createdUsing: fixedId(`roleEligibility:${pradeep}`),
      modifiedDateTime: null,
      scheduleInfo: {
        startDateTime: '2026-02-01T09:00:00Z',
        recurrence: null,
        expiration: { type: 'noExpiration', endDateTime: null, duration: null },
      },
    },
  ];

  return {
    id: TENANT_ID,
    domain: TENANT_DOMAIN,
    users,
    usersByUpn: new Map([...users.values()].map((r) => [r.user.userPrincipalName.toLowerCase(), r])),
    groups,
    roleAssignments,
    roleEligibilities,
    apps,
    graphServicePrincipal: {
      id: fixedId('servicePrincipal:microsoft-graph'),
      appId: MICROSOFT_GRAPH_APP_ID,
      displayName: 'Microsoft Graph',
      servicePrincipalType: 'Application',
      accountEnabled: true,
      appOwnerOrganizationId: 'f8cdef31-a31e-4b4a-93e4-5f571e91255a',
      servicePrincipalNames: ['https://graph.microsoft.com', MICROSOFT_GRAPH_APP_ID],
      appRoles: graphAppRoles(),
    },
    branding: seedBranding(),
  };
}

/** Find a user by object id or user principal name (case-insensitive, as Entra compares UPNs). */
export function findUser(tenant: Tenant, idOrUpn: string): UserRecord | undefined {
  const key = idOrUpn.toLowerCase();
  return tenant.users.get(key) ?? tenant.usersByUpn.get(key);
}

/** Every group the object belongs to, directly or through nested groups. */
export function transitiveGroupIds(tenant: Tenant, objectId: string): Set<string> {
  const out = new Set<string>();
  let frontier = [objectId];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const g of tenant.groups.values()) {
      if (out.has(g.group.id)) continue;
      if (frontier.some((id) => g.memberIds.has(id))) {
        out.add(g.group.id);
        next.push(g.group.id);
      }
    }
    frontier = next;
  }
  return out;
}

/** Role template ids active for a principal at tenant scope, directly or through role-assignable groups. */
export function activeRoleTemplates(tenant: Tenant, principalId: string, scopeFilter?: string): Set<string> {
  const principals = new Set([principalId, ...transitiveGroupIds(tenant, principalId)]);
  const out = new Set<string>();
  for (const a of tenant.roleAssignments) {
    if (principals.has(a.principalId) && (scopeFilter === undefined || a.directoryScopeId === scopeFilter)) {
      out.add(a.roleDefinitionId);
    }
  }
  return out;
}

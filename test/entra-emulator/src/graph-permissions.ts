// Microsoft Graph's application permissions (app roles on the Microsoft Graph service principal,
// appId 00000003-0000-0000-c000-000000000000) and Entra's built-in directory role templates.
// The ids are Microsoft's real ones, so doctor code written against the emulator reads a real tenant.
import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';

export const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/** Application permission value → app role id (the *application* ids, not the delegated twins). */
export const GRAPH_APP_ROLE_IDS: Readonly<Record<string, string>> = {
  'User.Read.All': 'df021288-bdef-4463-88db-98f22de89214',
  'User.ReadWrite.All': '741f803b-c850-494e-b5df-cde7c675a1ca',
  'User-PasswordProfile.ReadWrite.All': 'cc117bb9-00cf-4eb8-b580-ea2a878fe8f7',
  'User.RevokeSessions.All': '77f3a031-c388-4f99-b373-dc68676a979e',
  'Directory.Read.All': '7ab1d382-f21e-4acd-a863-ba3e13f7da61',
  'Directory.ReadWrite.All': '19dbc75e-c2e2-444c-a770-ec69d8559fc7',
  'Group.Read.All': '5b567255-7703-4780-807c-7be8301ae99b',
  'GroupMember.Read.All': '98830695-27a2-44f7-8c18-0c3ebc9698f6',
  'UserAuthenticationMethod.Read.All': '38d9df27-64da-44fd-b7c5-a6fbac20248f',
  'UserAuthenticationMethod.ReadWrite.All': '50483e42-d915-4231-9639-7fdb7fd190e5',
  'IdentityRiskyUser.Read.All': 'dc5007c0-2d7d-4c42-879c-2dab87571379',
  'IdentityRiskyUser.ReadWrite.All': '656f6061-f9fe-4807-9708-6a2e0934df76',
  'Application.Read.All': '9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30',
  'RoleManagement.Read.Directory': '483bed4a-2ad3-4361-a73b-c83ccdbdc53c',
  'RoleEligibilitySchedule.Read.Directory': 'ff278e11-4a33-4d0c-83d2-d01dc58929a5',
  'OrganizationalBranding.ReadWrite.All': 'd2ebfbc1-a5f8-424b-83a6-56ab5927a73c',
  'Organization.Read.All': '498476ce-e0fe-48b0-b801-37ba7e2685c6',
  'Organization.ReadWrite.All': '292d869f-3427-49a8-9dab-8c70152b74e9',
};

/** entra.md's least-privileged set plus the two reads `mypass doctor` needs. */
export const DEFAULT_API_APP_ROLES: readonly string[] = [
  'User.Read.All',
  'GroupMember.Read.All',
  'User-PasswordProfile.ReadWrite.All',
  'UserAuthenticationMethod.Read.All',
  'IdentityRiskyUser.ReadWrite.All',
  // revokeSignInSessions needs it (or User.ReadWrite.All); entra.md's list omits it.
  'User.RevokeSessions.All',
  'Application.Read.All',
  'RoleManagement.Read.Directory',
];

/** Built-in directory role templates (roleDefinitionId / roleTemplateId are the same GUID). */
export const DIRECTORY_ROLE_TEMPLATES: Readonly<Record<string, string>> = {
  'Global Administrator': '62e90394-69f5-4237-9190-012177145e10',
  'Privileged Role Administrator': 'e8611ab8-c189-46e8-94e1-60213ab1f814',
  'Privileged Authentication Administrator': '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
  'User Administrator': 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  'Helpdesk Administrator': '729827e3-9c14-49f7-bb1b-9608f156bbb8',
  'Password Administrator': '966707d0-3269-4727-9be2-8c3a10f19b9d',
  'Authentication Administrator': 'c4e39bd9-1100-46d3-8c65-fb160da0071f',
  'Organizational Branding Administrator': '92ed04bf-c94a-4b82-9729-b799a7a4c178',
  'Global Reader': 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
};

/** Roles whose holders may reset *anyone's* password (admins included). */
export const RESET_ANYONE_ROLES = new Set([
  DIRECTORY_ROLE_TEMPLATES['Global Administrator'],
  DIRECTORY_ROLE_TEMPLATES['Privileged Authentication Administrator'],
]);
/** Roles that may reset only non-administrators. */
export const RESET_NON_ADMIN_ROLES = new Set([
  DIRECTORY_ROLE_TEMPLATES['Password Administrator'],
  DIRECTORY_ROLE_TEMPLATES['Helpdesk Administrator'],
  DIRECTORY_ROLE_TEMPLATES['User Administrator'],
  DIRECTORY_ROLE_TEMPLATES['Authentication Administrator'],
]);

const DESCRIPTIONS: Readonly<Record<string, string>> = {
  'User.Read.All': "Read all users' full profiles",
  'User.ReadWrite.All': "Read and write all users' full profiles",
  'User-PasswordProfile.ReadWrite.All': 'Read and write all password profiles and reset user passwords',
  'User.RevokeSessions.All': 'Revoke all sign in sessions for a user',
  'Directory.Read.All': 'Read directory data',
  'Directory.ReadWrite.All': 'Read and write directory data',
  'Group.Read.All': 'Read all groups',
  'GroupMember.Read.All': 'Read all group memberships',
  'UserAuthenticationMethod.Read.All': "Read all users' authentication methods",
  'UserAuthenticationMethod.ReadWrite.All': "Read and write all users' authentication methods",
  'IdentityRiskyUser.Read.All': 'Read all identity risky user information',
  'IdentityRiskyUser.ReadWrite.All': 'Read and write all risky user information',
  'Application.Read.All': 'Read all applications',
  'RoleManagement.Read.Directory': 'Read all directory RBAC settings',
  'RoleEligibilitySchedule.Read.Directory':
    "Read all eligible role assignments and role schedules for your company's directory",
  'OrganizationalBranding.ReadWrite.All': 'Read and write organizational branding information',
  'Organization.Read.All': 'Read organization information',
  'Organization.ReadWrite.All': 'Read and write organization information',
};

/** The Microsoft Graph service principal's appRoles, as Graph lists them. */
export function graphAppRoles(): MicrosoftGraph.AppRole[] {
  return Object.entries(GRAPH_APP_ROLE_IDS).map(([value, id]) => ({
    id,
    value,
    displayName: DESCRIPTIONS[value] ?? value,
    description: `Allows the app to ${(DESCRIPTIONS[value] ?? value).toLowerCase()} without a signed-in user.`,
    allowedMemberTypes: ['Application'],
    isEnabled: true,
    origin: 'Application',
  }));
}

/** Which permissions satisfy each Graph operation (any one of them). */
export const PERMISSIONS = {
  readUsers: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  readMemberships: [
    'GroupMember.Read.All',
    'Group.Read.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  readGroups: ['Group.Read.All', 'GroupMember.Read.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  readMethods: ['UserAuthenticationMethod.Read.All', 'UserAuthenticationMethod.ReadWrite.All'],
  readRisk: ['IdentityRiskyUser.Read.All', 'IdentityRiskyUser.ReadWrite.All'],
  writeRisk: ['IdentityRiskyUser.ReadWrite.All'],
  writePassword: ['User-PasswordProfile.ReadWrite.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'],
  revokeSessions: ['User.RevokeSessions.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'],
  readApplications: ['Application.Read.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  readRoleManagement: ['RoleManagement.Read.Directory', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  readRoleEligibility: ['RoleEligibilitySchedule.Read.Directory', 'RoleManagement.Read.Directory'],
} as const satisfies Record<string, readonly string[]>;

// Microsoft Graph v1.0, for the calls MyPass and `mypass doctor` make: bearer validation, per-route
// application-permission checks, OData query handling and Graph's error envelope on every failure.
import { randomUUID } from 'node:crypto';
import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import { json, type EmuRequest, type EmuResponse } from './http-types.js';
import {
  FilterError,
  evaluateFilter,
  parseFilter,
  referencedProperties,
  type FilterNode,
} from './odata-filter.js';
import { BRANDING_ROUTES } from './branding-routes.js';
import { checkEntraPassword } from './password-rules.js';
import { usersMatching } from './user-index.js';
import {
  DIRECTORY_ROLE_TEMPLATES,
  GRAPH_APP_ROLE_IDS,
  PERMISSIONS,
  RESET_ANYONE_ROLES,
  RESET_NON_ADMIN_ROLES,
} from './graph-permissions.js';
import {
  activeRoleTemplates,
  directoryRoleObjectId,
  findUser,
  fixedId,
  transitiveGroupIds,
  type AppRecord,
  type Tenant,
  type UserRecord,
} from './tenant.js';
import { verifyGraphToken, type GraphCaller, type TokenServiceContext } from './token-service.js';

export interface GraphContext {
  tenant: Tenant;
  tokens: TokenServiceContext;
  count: (key: string) => void;
  /** A status fault for an inner $batch request, if one is armed. */
  innerFault: (method: string, path: string) => EmuResponse | null;
}

const GRAPH_ROOT = 'https://graph.microsoft.com/v1.0';

export function graphError(req: EmuRequest, status: number, code: string, message: string): EmuResponse {
  const requestId = randomUUID();
  const clientRequestId = req.headers['client-request-id'] ?? requestId;
  return json(
    status,
    {
      error: {
        code,
        message,
        innerError: {
          date: new Date().toISOString().replace(/\.\d{3}Z$/, ''),
          'request-id': requestId,
          'client-request-id': clientRequestId,
        },
      },
    },
    { 'request-id': requestId, 'client-request-id': clientRequestId },
  );
}

const denied = (req: EmuRequest): EmuResponse =>
  graphError(req, 403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
const notFound = (req: EmuRequest, id: string): EmuResponse =>
  graphError(
    req,
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
const badRequest = (req: EmuRequest, message: string, code = 'BadRequest'): EmuResponse =>
  graphError(req, 400, code, message);

interface Call {
  req: EmuRequest;
  caller: GraphCaller;
  params: Record<string, string>;
  ctx: GraphContext;
}

type Handler = (call: Call) => EmuResponse | Promise<EmuResponse>;

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  permission: readonly string[] | null;
  handler: Handler;
}

function route(
  method: string,
  template: string,
  permission: readonly string[] | null,
  handler: Handler,
): Route {
  const pattern = new RegExp(
    `^${template
      .split('/')
      .map((seg) => (seg.startsWith('{') ? `(?<${seg.slice(1, -1)}>[^/]+)` : seg.replace(/\$/g, '\\$')))
      .join('/')}$`,
  );
  return { method, template, pattern, permission, handler };
}

function hasAny(caller: GraphCaller, perms: readonly string[]): boolean {
  return caller.roles.some((r) => perms.includes(r));
}

// ---------------------------------------------------------------- users

const DEFAULT_USER_PROPERTIES = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
];

const USER_PROPERTIES = new Set([
  ...DEFAULT_USER_PROPERTIES,
  'accountEnabled',
  'city',
  'companyName',
  'country',
  'createdDateTime',
  'creationType',
  'department',
  'employeeId',
  'employeeType',
  'externalUserState',
  'lastPasswordChangeDateTime',
  'mailNickname',
  'onPremisesImmutableId',
  'onPremisesLastSyncDateTime',
  'onPremisesSamAccountName',
  'onPremisesSyncEnabled',
  'otherMails',
  'passwordPolicies',
  'proxyAddresses',
  'signInSessionsValidFromDateTime',
  'usageLocation',
  'userType',
]);

const USER_FILTERABLE_EQ = new Set(['userPrincipalName', 'mail', 'employeeId', 'id', 'displayName']);
const USER_FILTERABLE_ANY = new Set(['otherMails']);

/** An entity's own property by name (undefined when absent). */
function readProp(entity: object, property: string): unknown {
  // Own data properties only (never "constructor" and the like); no descriptor object per read,
  // as $filter reads every user's properties on each lookup.
  return Object.hasOwn(entity, property) ? (entity as Record<string, unknown>)[property] : undefined;
}

function userValue(r: UserRecord, property: string): unknown {
  if (property === 'signInSessionsValidFromDateTime') return r.signInSessionsValidFromDateTime;
  const v = readProp(r.user, property);
  return v === undefined ? null : v;
}

function parseSelect(req: EmuRequest, known: Set<string>, type: string): string[] | EmuResponse | null {
  const raw = req.query.get('$select');
  if (raw === null) return null;
  const props = raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  for (const p of props) {
    if (!known.has(p))
      return badRequest(req, `Could not find a property named '${p}' on type 'microsoft.graph.${type}'.`);
  }
  return props;
}

function projectUser(r: UserRecord, select: string[] | null): Record<string, unknown> {
  const props = select ? ['id', ...select.filter((p) => p !== 'id')] : DEFAULT_USER_PROPERTIES;
  return Object.fromEntries(props.map((p) => [p, userValue(r, p)]));
}

function filterError(req: EmuRequest, e: FilterError, resource: string): EmuResponse {
  if (e.reason === 'unsupported') {
    return badRequest(
      req,
      e.property
        ? `Unsupported or invalid query filter clause specified for property '${e.property}' of resource '${resource}'.`
        : `Unsupported query: ${e.message}`,
      'Request_UnsupportedQuery',
    );
  }
  return badRequest(req, `Invalid filter clause: ${e.message}`);
}

function isEventual(req: EmuRequest): boolean {
  return (req.headers.consistencylevel ?? '').toLowerCase() === 'eventual';
}

function parseTop(req: EmuRequest): number | EmuResponse {
  const raw = req.query.get('$top');
  if (raw === null) return 100;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 999) {
    return badRequest(req, `Invalid page size specified: '${raw}'. Must be between 1 and 999 inclusive.`);
  }
  return n;
}

function listUsers({ req, ctx }: Call): EmuResponse {
  const select = parseSelect(req, USER_PROPERTIES, 'user');
  if (select && !Array.isArray(select)) return select;
  const top = parseTop(req);
  if (typeof top !== 'number') return top;
  const count = req.query.get('$count');
  if (count !== null && count !== 'true' && count !== 'false')
    return badRequest(req, `Invalid value '${count}' for $count.`);
  if (count === 'true' && !isEventual(req)) {
    return badRequest(req, '$count is not currently supported.', 'Request_BadRequest');
  }
  let filter: FilterNode | null = null;
  const rawFilter = req.query.get('$filter');
  if (rawFilter !== null) {
    try {
      filter = parseFilter(rawFilter);
    } catch (e) {
      if (e instanceof FilterError) return filterError(req, e, 'User');
      throw e;
    }
    const refs = referencedProperties(filter);
    for (const p of refs.eq) {
      if (!USER_FILTERABLE_EQ.has(p)) return filterError(req, new FilterError('unsupported', '', p), 'User');
    }
    for (const p of refs.any) {
      if (!USER_FILTERABLE_ANY.has(p)) return filterError(req, new FilterError('unsupported', '', p), 'User');
      // A lambda on otherMails is an "advanced query": ConsistencyLevel: eventual and $count=true.
      if (!isEventual(req) || count !== 'true') {
        return filterError(req, new FilterError('unsupported', '', p), 'User');
      }
    }
  }
  const matched = usersMatching(ctx.tenant, filter, (r, p) => userValue(r, p) as string | null | string[]);
  const skip = Number(req.query.get('$skiptoken') ?? '0') || 0;
  const page = matched.slice(skip, skip + top);
  const body: Record<string, unknown> = {
    '@odata.context': `${GRAPH_ROOT}/$metadata#users${select ? `(${select.join(',')})` : ''}`,
  };
  if (count === 'true') body['@odata.count'] = matched.length;
  if (skip + top < matched.length) {
    // Graph writes OData system query options with a literal '$'.
    const next = [...req.query.entries()]
      .filter(([k]) => k !== '$skiptoken')
      .map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
    next.push(`$skiptoken=${skip + top}`);
    body['@odata.nextLink'] = `${ctx.tokens.origin()}/v1.0/users?${next.join('&')}`;
  }
  body.value = page.map((r) => projectUser(r, select));
  return json(200, body);
}

/** `/users/{id}`, `/users/{upn}` or the key syntax `/users('{upn}')`. */
function resolveUserKey(ctx: GraphContext, raw: string): UserRecord | undefined {
  let key = decodeURIComponent(raw);
  const m = /^\('(.*)'\)$/.exec(key);
  if (m) key = (m[1] ?? '').replace(/''/g, "'");
  return findUser(ctx.tenant, key);
}

function withUser(handler: (call: Call, user: UserRecord) => EmuResponse | Promise<EmuResponse>): Handler {
  return (call) => {
    const key = call.params.id ?? '';
    const user = resolveUserKey(call.ctx, key);
    if (!user) return notFound(call.req, decodeURIComponent(key));
    return handler(call, user);
  };
}

const getUser = withUser(({ req }, user) => {
  const select = parseSelect(req, USER_PROPERTIES, 'user');
  if (select && !Array.isArray(select)) return select;
  return json(200, {
    '@odata.context': `${GRAPH_ROOT}/$metadata#users${select ? `(${select.join(',')})` : ''}/$entity`,
    ...projectUser(user, select),
  });
});

type Parsed = { ok: true; value: Record<string, unknown> } | { ok: false; response: EmuResponse };

function parseBody(req: EmuRequest): Parsed {
  let v: unknown = req.bodyJson;
  if (v === undefined) {
    try {
      v = JSON.parse(req.bodyText);
    } catch {
      v = undefined;
    }
  }
  if (typeof v === 'object' && v !== null && !Array.isArray(v))
    return { ok: true, value: v as Record<string, unknown> };
  return {
    ok: false,
    response: badRequest(
      req,
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    ),
  };
}

function isPrivilegedTarget(tenant: Tenant, user: UserRecord): boolean {
  if (activeRoleTemplates(tenant, user.user.id).size > 0) return true;
  for (const gid of transitiveGroupIds(tenant, user.user.id)) {
    if (tenant.groups.get(gid)?.group.isAssignableToRole) return true;
  }
  return false;
}

/** May this service principal reset this user's password (Entra's role rules, tenant scope only)? */
function mayResetPassword(tenant: Tenant, servicePrincipalId: string | null, target: UserRecord): boolean {
  if (!servicePrincipalId) return false;
  // Roles scoped to an administrative unit cover its members; the emulator's units have none.
  const roles = activeRoleTemplates(tenant, servicePrincipalId, '/');
  if ([...roles].some((r) => RESET_ANYONE_ROLES.has(r))) return true;
  if ([...roles].some((r) => RESET_NON_ADMIN_ROLES.has(r))) return !isPrivilegedTarget(tenant, target);
  return false;
}

const patchUser = withUser(({ req, caller, ctx }, user) => {
  const parsed = parseBody(req);
  if (!parsed.ok) return parsed.response;
  const patch = parsed.value;
  const keys = Object.keys(patch);
  if (keys.length === 0) return badRequest(req, 'Request body is empty.', 'Request_BadRequest');
  const others = keys.filter((k) => k !== 'passwordProfile');
  if (others.length > 0) {
    // Only the password profile is writable here; the rest needs User.ReadWrite.All and is not modelled.
    if (!hasAny(caller, ['User.ReadWrite.All', 'Directory.ReadWrite.All'])) return denied(req);
    return badRequest(
      req,
      `Property '${others[0] ?? ''}' is not writable through the emulator.`,
      'Request_BadRequest',
    );
  }
  if (!hasAny(caller, PERMISSIONS.writePassword)) return denied(req);
  const profile = patch.passwordProfile as MicrosoftGraph.PasswordProfile | null;
  if (typeof profile !== 'object' || profile === null || typeof profile.password !== 'string') {
    return badRequest(
      req,
      "Invalid value specified for property 'passwordProfile' of resource 'User'.",
      'Request_BadRequest',
    );
  }
  if (!mayResetPassword(ctx.tenant, caller.servicePrincipalId, user)) return denied(req);
  if (user.user.onPremisesSyncEnabled) {
    return badRequest(
      req,
      'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.',
      'Request_BadRequest',
    );
  }
  const verdict = checkEntraPassword(profile.password, user.user);
  if (!verdict.ok) {
    return badRequest(
      req,
      'The specified password does not comply with password complexity requirements. Please provide a different password.',
      'Request_BadRequest',
    );
  }
  user.password = profile.password;
  user.user.lastPasswordChangeDateTime = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  // An admin reset ends an expiry and a smart lockout, as in Entra.
  if (user.passwordGrantOutcome === 'password_expired' || user.passwordGrantOutcome === 'locked') {
    user.passwordGrantOutcome = 'success';
  }
  user.user.passwordProfile = {
    forceChangePasswordNextSignIn: profile.forceChangePasswordNextSignIn ?? false,
  };
  return { status: 204 };
});

const revokeSessions = withUser((_call, user) => {
  user.signInSessionsValidFromDateTime = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  return json(200, { '@odata.context': `${GRAPH_ROOT}/$metadata#Edm.Boolean`, value: true });
});

// ---------------------------------------------------------------- methods

const phoneMethods = withUser((_call, user) =>
  json(200, {
    '@odata.context': `${GRAPH_ROOT}/$metadata#users('${user.user.id}')/authentication/phoneMethods`,
    value: user.phoneMethods.map((m) => ({ ...m })),
  }),
);

const emailMethods = withUser((_call, user) =>
  json(200, {
    '@odata.context': `${GRAPH_ROOT}/$metadata#users('${user.user.id}')/authentication/emailMethods`,
    value: user.emailMethods.map((m) => ({ ...m })),
  }),
);

const allMethods = withUser((_call, user) =>
  json(200, {
    '@odata.context': `${GRAPH_ROOT}/$metadata#users('${user.user.id}')/authentication/methods`,
    value: [
      {
        '@odata.type': '#microsoft.graph.passwordAuthenticationMethod',
        id: '28c10230-6103-485e-b985-444c60001490',
        password: null,
        createdDateTime: user.user.lastPasswordChangeDateTime,
      },
      ...user.phoneMethods.map((m) => ({
        '@odata.type': '#microsoft.graph.phoneAuthenticationMethod',
        ...m,
      })),
      ...user.emailMethods.map((m) => ({
        '@odata.type': '#microsoft.graph.emailAuthenticationMethod',
        ...m,
      })),
    ],
  }),
);

// ---------------------------------------------------------------- memberships

function directoryRoleEntity(templateId: string): MicrosoftGraph.DirectoryRole & { '@odata.type': string } {
  const name =
    Object.entries(DIRECTORY_ROLE_TEMPLATES).find(([, id]) => id === templateId)?.[0] ?? templateId;
  return {
    '@odata.type': '#microsoft.graph.directoryRole',
    id: directoryRoleObjectId(templateId),
    deletedDateTime: null,
    displayName: name,
    description: `${name} (built-in role)`,
    roleTemplateId: templateId,
  };
}

function groupEntity(tenant: Tenant, id: string): Record<string, unknown> | null {
  const g = tenant.groups.get(id);
  if (!g) return null;
  return { '@odata.type': '#microsoft.graph.group', ...g.group };
}

function memberObjectIds(tenant: Tenant, objectId: string): Set<string> {
  const out = new Set(transitiveGroupIds(tenant, objectId));
  for (const t of activeRoleTemplates(tenant, objectId, '/')) out.add(directoryRoleObjectId(t));
  return out;
}

function findDirectoryObject(tenant: Tenant, key: string): string | null {
  const u = findUser(tenant, key);
  if (u) return u.user.id;
  if (tenant.groups.has(key)) return key;
  for (const a of tenant.apps.values()) if (a.servicePrincipal.id === key) return key;
  return null;
}

function checkMembers(kind: 'objects' | 'groups'): Handler {
  return ({ req, ctx, params }) => {
    const objectId = findDirectoryObject(ctx.tenant, decodeURIComponent(params.id ?? ''));
    if (!objectId) return notFound(req, params.id ?? '');
    const parsed = parseBody(req);
    if (!parsed.ok) return parsed.response;
    const field = kind === 'objects' ? 'ids' : 'groupIds';
    const ids = parsed.value[field];
    if (!Array.isArray(ids) || ids.some((x) => typeof x !== 'string')) {
      return badRequest(req, `Invalid value specified for property '${field}'.`, 'Request_BadRequest');
    }
    if (ids.length > 20) {
      return badRequest(
        req,
        `The number of ids in '${field}' exceeds the maximum of 20.`,
        'Request_BadRequest',
      );
    }
    const member = memberObjectIds(ctx.tenant, objectId);
    return json(200, {
      '@odata.context': `${GRAPH_ROOT}/$metadata#Collection(Edm.String)`,
      value: (ids as string[]).filter(
        (id) =>
          member.has(id.toLowerCase()) && (kind === 'objects' || ctx.tenant.groups.has(id.toLowerCase())),
      ),
    });
  };
}

const transitiveMemberOf = withUser(({ ctx }, user) => {
  const groups = [...transitiveGroupIds(ctx.tenant, user.user.id)]
    .map((id) => groupEntity(ctx.tenant, id))
    .filter((g): g is Record<string, unknown> => g !== null);
  const roles = [...activeRoleTemplates(ctx.tenant, user.user.id, '/')].map(directoryRoleEntity);
  return json(200, {
    '@odata.context': `${GRAPH_ROOT}/$metadata#directoryObjects`,
    value: [...groups, ...roles],
  });
});

// ---------------------------------------------------------------- role management & risk

function filteredBy<T extends object>(
  req: EmuRequest,
  items: T[],
  allowed: string[],
  resource: string,
  read: (item: T, p: string) => string | null,
): T[] | EmuResponse {
  const raw = req.query.get('$filter');
  if (raw === null) return items;
  let node: FilterNode;
  try {
    node = parseFilter(raw);
  } catch (e) {
    if (e instanceof FilterError) return filterError(req, e, resource);
    throw e;
  }
  const refs = referencedProperties(node);
  for (const p of [...refs.eq, ...refs.any]) {
    if (!allowed.includes(p) || refs.any.includes(p))
      return filterError(req, new FilterError('unsupported', '', p), resource);
  }
  return items.filter((i) => evaluateFilter(node, (p) => read(i, p)));
}

function roleEligibilitySchedules({ req, ctx }: Call): EmuResponse {
  const items = filteredBy(
    req,
    ctx.tenant.roleEligibilities,
    ['principalId', 'roleDefinitionId'],
    'unifiedRoleEligibilitySchedule',
    (i, p) => (p === 'principalId' ? i.principalId : i.roleDefinitionId),
  );
  if (!Array.isArray(items)) return items;
  return json(200, {
    '@odata.context': `${GRAPH_ROOT}/$metadata#roleManagement/directory/roleEligibilitySchedules`,
    value: items,
  });
}

function roleAssignments({ req, ctx }: Call): EmuResponse {
  const items = filteredBy(
    req,
    ctx.tenant.roleAssignments,
    ['principalId', 'roleDefinitionId'],
    'unifiedRoleAssignment',
    (i, p) => (p === 'principalId' ? i.principalId : i.roleDefinitionId),
  );
  if (!Array.isArray(items)) return items;
  return json(200, {
    '@odata.context': `${GRAPH_ROOT}/$metadata#roleManagement/directory/roleAssignments`,
    value: items.map((a) => ({ appScopeId: null, condition: null, ...a })),
  });
}

const getRiskyUser = withUser(({ req }, user) => {
  if (!user.risk) return notFound(req, user.user.id);
  return json(200, {
    '@odata.context': `${GRAPH_ROOT}/$metadata#identityProtection/riskyUsers/$entity`,
    ...user.risk,
  });
});

function dismissRisk({ req, ctx }: Call): EmuResponse {
  const parsed = parseBody(req);
  if (!parsed.ok) return parsed.response;
  const ids = parsed.value.userIds;
  if (!Array.isArray(ids) || ids.length === 0 || ids.some((x) => typeof x !== 'string')) {
    return badRequest(req, "Invalid value specified for property 'userIds'.", 'Request_BadRequest');
  }
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  for (const id of ids as string[]) {
    const u = ctx.tenant.users.get(id.toLowerCase());
    if (u?.risk) {
      u.risk = {
        ...u.risk,
        riskState: 'dismissed',
        riskLevel: 'none',
        riskDetail: 'adminDismissedAllRiskForUser',
        riskLastUpdatedDateTime: now,
      };
    }
  }
  return { status: 204 };
}

// ---------------------------------------------------------------- applications, service principals, groups

function appsList(ctx: GraphContext): AppRecord[] {
  return [...ctx.tenant.apps.values()];
}

function servicePrincipals({ req, ctx }: Call): EmuResponse {
  const all = [...appsList(ctx).map((a) => a.servicePrincipal), ctx.tenant.graphServicePrincipal];
  const items = filteredBy(req, all, ['appId', 'displayName', 'id'], 'ServicePrincipal', (i, p) =>
    String(readProp(i, p) ?? ''),
  );
  if (!Array.isArray(items)) return items;
  return json(200, { '@odata.context': `${GRAPH_ROOT}/$metadata#servicePrincipals`, value: items });
}

function findServicePrincipal(
  ctx: GraphContext,
  id: string,
): { sp: MicrosoftGraph.ServicePrincipal; app?: AppRecord } | null {
  const key = id.toLowerCase();
  if (ctx.tenant.graphServicePrincipal.id === key) return { sp: ctx.tenant.graphServicePrincipal };
  const app = appsList(ctx).find((a) => a.servicePrincipal.id === key);
  return app ? { sp: app.servicePrincipal, app } : null;
}

function getServicePrincipal({ req, ctx, params }: Call): EmuResponse {
  const found = findServicePrincipal(ctx, params.id ?? '');
  if (!found) return notFound(req, params.id ?? '');
  return json(200, { '@odata.context': `${GRAPH_ROOT}/$metadata#servicePrincipals/$entity`, ...found.sp });
}

function appRoleAssignments({ req, ctx, params }: Call): EmuResponse {
  const found = findServicePrincipal(ctx, params.id ?? '');
  if (!found) return notFound(req, params.id ?? '');
  const graphSp = ctx.tenant.graphServicePrincipal;
  const value: MicrosoftGraph.AppRoleAssignment[] = (found.app?.appRoles ?? [])
    .filter((r) => GRAPH_APP_ROLE_IDS[r] !== undefined)
    .map((r) => ({
      id: fixedId(`appRoleAssignment:${found.sp.id ?? ''}:${r}`),
      deletedDateTime: null,
      appRoleId: GRAPH_APP_ROLE_IDS[r] ?? '',
      createdDateTime: '2025-09-01T10:05:00Z',
      principalDisplayName: found.sp.displayName ?? null,
      principalId: found.sp.id ?? '',
      principalType: 'ServicePrincipal',
      resourceDisplayName: graphSp.displayName ?? 'Microsoft Graph',
      resourceId: graphSp.id,
    }));
  return json(200, {
    '@odata.context': `${GRAPH_ROOT}/$metadata#servicePrincipals('${found.sp.id ?? ''}')/appRoleAssignments`,
    value,
  });
}

/** Users in a group, directly or through nested groups (licensing: `mypass licenses` counts seats). */
function groupTransitiveUsers({ req, ctx, params }: Call): EmuResponse {
  const id = decodeURIComponent(params.id ?? '').toLowerCase();
  if (!ctx.tenant.groups.has(id)) return notFound(req, params.id ?? '');
  const select = parseSelect(req, USER_PROPERTIES, 'user');
  if (select && !Array.isArray(select)) return select;
  const top = parseTop(req);
  if (typeof top !== 'number') return top;
  const seen = new Set<string>([id]);
  const users = new Set<string>();
  let frontier = [id];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const groupId of frontier) {
      for (const member of ctx.tenant.groups.get(groupId)?.memberIds ?? []) {
        if (ctx.tenant.groups.has(member)) {
          if (!seen.has(member)) next.push(member);
          seen.add(member);
        } else if (ctx.tenant.users.has(member)) users.add(member);
      }
    }
    frontier = next;
  }
  const matched = [...users].sort().flatMap((u) => {
    const r = ctx.tenant.users.get(u);
    return r ? [r] : [];
  });
  const skip = Number(req.query.get('$skiptoken') ?? '0') || 0;
  const body: Record<string, unknown> = {
    '@odata.context': `${GRAPH_ROOT}/$metadata#users${select ? `(${select.join(',')})` : ''}`,
  };
  if (skip + top < matched.length) {
    const next = [...req.query.entries()]
      .filter(([k]) => k !== '$skiptoken')
      .map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
    next.push(`$skiptoken=${skip + top}`);
    body['@odata.nextLink'] =
      `${ctx.tokens.origin()}/v1.0/groups/${id}/transitiveMembers/microsoft.graph.user?${next.join('&')}`;
  }
  body.value = matched
    .slice(skip, skip + top)
    .map((r) => ({ '@odata.type': '#microsoft.graph.user', ...projectUser(r, select) }));
  return json(200, body);
}

function applications({ req, ctx }: Call): EmuResponse {
  const items = filteredBy(
    req,
    appsList(ctx).map((a) => a.application),
    ['appId', 'displayName', 'id'],
    'Application',
    (i, p) => String(readProp(i, p) ?? ''),
  );
  if (!Array.isArray(items)) return items;
  return json(200, { '@odata.context': `${GRAPH_ROOT}/$metadata#applications`, value: items });
}

function getApplication({ req, ctx, params }: Call): EmuResponse {
  const key = (params.id ?? '').toLowerCase();
  const app = appsList(ctx).find((a) => a.application.id === key);
  if (!app) return notFound(req, params.id ?? '');
  return json(200, { '@odata.context': `${GRAPH_ROOT}/$metadata#applications/$entity`, ...app.application });
}

function getGroup({ req, ctx, params }: Call): EmuResponse {
  const g = ctx.tenant.groups.get((params.id ?? '').toLowerCase());
  if (!g) return notFound(req, params.id ?? '');
  return json(200, { '@odata.context': `${GRAPH_ROOT}/$metadata#groups/$entity`, ...g.group });
}

// ---------------------------------------------------------------- routing

const ROUTES: Route[] = [
  route('GET', '/users', PERMISSIONS.readUsers, listUsers),
  route('GET', '/users/{id}', PERMISSIONS.readUsers, getUser),
  route('PATCH', '/users/{id}', null, patchUser),
  route('POST', '/users/{id}/revokeSignInSessions', PERMISSIONS.revokeSessions, revokeSessions),
  route('GET', '/users/{id}/authentication/phoneMethods', PERMISSIONS.readMethods, phoneMethods),
  route('GET', '/users/{id}/authentication/emailMethods', PERMISSIONS.readMethods, emailMethods),
  route('GET', '/users/{id}/authentication/methods', PERMISSIONS.readMethods, allMethods),
  route('POST', '/users/{id}/checkMemberObjects', PERMISSIONS.readMemberships, checkMembers('objects')),
  route('POST', '/users/{id}/checkMemberGroups', PERMISSIONS.readMemberships, checkMembers('groups')),
  route(
    'POST',
    '/directoryObjects/{id}/checkMemberObjects',
    PERMISSIONS.readMemberships,
    checkMembers('objects'),
  ),
  route(
    'POST',
    '/directoryObjects/{id}/checkMemberGroups',
    PERMISSIONS.readMemberships,
    checkMembers('groups'),
  ),
  route('GET', '/users/{id}/transitiveMemberOf', PERMISSIONS.readMemberships, transitiveMemberOf),
  route(
    'GET',
    '/roleManagement/directory/roleEligibilitySchedules',
    PERMISSIONS.readRoleEligibility,
    roleEligibilitySchedules,
  ),
  route('GET', '/roleManagement/directory/roleAssignments', PERMISSIONS.readRoleManagement, roleAssignments),
  route('GET', '/identityProtection/riskyUsers/{id}', PERMISSIONS.readRisk, getRiskyUser),
  route('POST', '/identityProtection/riskyUsers/dismiss', PERMISSIONS.writeRisk, dismissRisk),
  route('GET', '/servicePrincipals', PERMISSIONS.readApplications, servicePrincipals),
  route('GET', '/servicePrincipals/{id}', PERMISSIONS.readApplications, getServicePrincipal),
  route(
    'GET',
    '/servicePrincipals/{id}/appRoleAssignments',
    PERMISSIONS.readApplications,
    appRoleAssignments,
  ),
  route('GET', '/applications', PERMISSIONS.readApplications, applications),
  route('GET', '/applications/{id}', PERMISSIONS.readApplications, getApplication),
  route('GET', '/groups/{id}', PERMISSIONS.readGroups, getGroup),
  route(
    'GET',
    '/groups/{id}/transitiveMembers/microsoft.graph.user',
    PERMISSIONS.readMemberships,
    groupTransitiveUsers,
  ),
  // Company branding checks its own permissions: delegated callers also need an admin role.
  ...BRANDING_ROUTES.map((b) =>
    route(b.method, b.template, null, ({ req, caller, params, ctx }) =>
      b.handler({
        req,
        caller,
        params,
        tenant: ctx.tenant,
        error: (status, code, message) => graphError(req, status, code, message),
        body: () => parseBody(req),
      }),
    ),
  ),
];

/** "METHOD /v1.0/route-template" for the counters, or null when nothing matches. */
export function routeTemplate(method: string, graphPath: string): string | null {
  const path = graphPath.replace(/^\/v1\.0/, '');
  for (const r of ROUTES)
    if (r.method === method && r.pattern.test(path)) return `${method} /v1.0${r.template}`;
  return null;
}

function unauthorized(ctx: GraphContext, req: EmuRequest, message: string): EmuResponse {
  const res = graphError(req, 401, 'InvalidAuthenticationToken', message);
  const challenge = `Bearer realm="", authorization_uri="${ctx.tokens.origin()}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`;
  return { ...res, headers: { ...res.headers, 'www-authenticate': challenge } };
}

async function authenticate(ctx: GraphContext, req: EmuRequest): Promise<GraphCaller | EmuResponse> {
  const h = req.headers.authorization ?? '';
  if (!/^bearer\s+\S/i.test(h)) return unauthorized(ctx, req, 'Access token is empty.');
  const result = await verifyGraphToken(ctx.tokens, h.replace(/^bearer\s+/i, '').trim());
  if (typeof result === 'string') return unauthorized(ctx, req, result);
  return result;
}

/** Handle one Graph request (`req.path` starts with /v1.0). */
export async function handleGraph(ctx: GraphContext, req: EmuRequest): Promise<EmuResponse> {
  const path = req.path.replace(/^\/v1\.0/, '') || '/';
  if (req.method === 'POST' && path === '/$batch') {
    const caller = await authenticate(ctx, req);
    if ('status' in caller) return caller;
    return batch(ctx, req);
  }
  const candidates = ROUTES.filter((r) => r.pattern.test(path));
  if (candidates.length === 0) {
    const segment = path.split('/').filter(Boolean).pop() ?? '';
    return badRequest(req, `Resource not found for the segment '${decodeURIComponent(segment)}'.`);
  }
  const r = candidates.find((c) => c.method === req.method);
  if (!r) {
    return graphError(
      req,
      405,
      'Request_BadRequest',
      'Specified HTTP method is not allowed for the request target.',
    );
  }
  const caller = await authenticate(ctx, req);
  if ('status' in caller) return caller;
  if (r.permission && !hasAny(caller, r.permission)) return denied(req);
  const params = (r.pattern.exec(path)?.groups ?? {}) as Record<string, string>;
  const res = await r.handler({ req, caller, params, ctx });
  // Users validate and project $select themselves; elsewhere keep id, @odata.type and what was asked.
  const select = req.query.get('$select');
  if (select === null || res.status !== 200 || r.template === '/users' || r.template === '/users/{id}')
    return res;
  return {
    ...res,
    body: projectSelected(
      res.body,
      select.split(',').map((p) => p.trim()),
    ),
  };
}

function projectSelected(body: unknown, select: string[]): unknown {
  const keep = (entity: object): Record<string, unknown> =>
    Object.fromEntries(
      Object.entries(entity).filter(([k]) => k === 'id' || k.startsWith('@odata.') || select.includes(k)),
    );
  if (typeof body !== 'object' || body === null) return body;
  const value = readProp(body, 'value');
  if (Array.isArray(value)) {
    return {
      ...body,
      value: value.map((v: unknown) => (typeof v === 'object' && v !== null ? keep(v) : v)),
    };
  }
  return keep(body);
}

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
}

function parseBatch(req: EmuRequest): BatchItem[] | EmuResponse {
  const parsed = parseBody(req);
  if (!parsed.ok) return parsed.response;
  const requests = parsed.value.requests;
  if (!Array.isArray(requests) || requests.length === 0) {
    return badRequest(req, 'Invalid batch payload format.');
  }
  if (requests.length > 20) return badRequest(req, 'Too many requests in batch. Max allowed is 20.');
  const seen = new Set<string>();
  const out: BatchItem[] = [];
  for (const item of requests as unknown[]) {
    const o = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    if (typeof o.id !== 'string' || !o.id)
      return badRequest(req, 'Invalid batch payload format: every request needs an id.');
    if (seen.has(o.id)) return badRequest(req, `Request id '${o.id}' is not unique within the batch.`);
    seen.add(o.id);
    if (typeof o.method !== 'string' || typeof o.url !== 'string') {
      return badRequest(req, `Invalid batch payload format: request '${o.id}' needs a method and a url.`);
    }
    if (/^[a-z]+:/i.test(o.url) || /^\/?v1\.0\//.test(o.url)) {
      return badRequest(
        req,
        `Invalid request: the url of request '${o.id}' must be relative to the version root.`,
      );
    }
    const headers =
      typeof o.headers === 'object' && o.headers !== null ? (o.headers as Record<string, string>) : undefined;
    out.push({ id: o.id, method: o.method.toUpperCase(), url: o.url, headers, body: o.body });
  }
  return out;
}

async function batch(ctx: GraphContext, req: EmuRequest): Promise<EmuResponse> {
  const items = parseBatch(req);
  if (!Array.isArray(items)) return items;
  const responses = [];
  for (const item of items) {
    const url = new URL(item.url.replace(/^\/?/, '/'), 'https://graph.invalid');
    const headers: Record<string, string | undefined> = {
      authorization: req.headers.authorization,
      'client-request-id': req.headers['client-request-id'],
    };
    for (const [k, v] of Object.entries(item.headers ?? {})) headers[k.toLowerCase()] = v;
    const inner: EmuRequest = {
      method: item.method,
      path: `/v1.0${url.pathname}`,
      query: url.searchParams,
      headers,
      bodyText: item.body === undefined ? '' : JSON.stringify(item.body),
      ...(item.body !== undefined ? { bodyJson: item.body } : {}),
    };
    ctx.count(routeTemplate(inner.method, inner.path) ?? `${inner.method} /v1.0 (unknown)`);
    const res = ctx.innerFault(inner.method, inner.path) ?? (await handleGraph(ctx, inner));
    responses.push({
      id: item.id,
      status: res.status,
      headers: {
        'Cache-Control': 'no-cache',
        ...(res.body !== undefined
          ? {
              'Content-Type':
                'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8',
            }
          : {}),
        ...Object.fromEntries(
          Object.entries(res.headers ?? {})
            .filter(([k]) => k.toLowerCase() === 'retry-after')
            .map(([, v]) => ['Retry-After', v]),
        ),
      },
      ...(res.body !== undefined ? { body: res.body } : {}),
    });
  }
  return json(200, { responses });
}

// Graph's company-branding endpoints: /organization/{id}/branding and its localizations, with
// Microsoft's permission rules (application roles, or delegated scopes plus an admin role of the
// signed-in user) and length limits. The API's own app holds none of these permissions (T14).
import { json, type EmuRequest, type EmuResponse } from './http-types.js';
import {
  applyBrandingPatch,
  emptyBranding,
  validateBrandingPatch,
  type BrandingProperties,
  type BrandingState,
} from './branding.js';
import { DIRECTORY_ROLE_TEMPLATES } from './graph-permissions.js';
import { activeRoleTemplates, type Tenant } from './tenant.js';
import type { GraphCaller } from './token-service.js';

const GRAPH_ROOT = 'https://graph.microsoft.com/v1.0';

export const BRANDING_PERMISSIONS = {
  read: [
    'OrganizationalBranding.Read.All',
    'OrganizationalBranding.ReadWrite.All',
    'Organization.Read.All',
    'Organization.ReadWrite.All',
  ],
  write: ['OrganizationalBranding.ReadWrite.All', 'Organization.ReadWrite.All'],
} as const;

/** Directory roles a signed-in user needs for delegated branding calls. */
const READ_ROLES = ['Global Administrator', 'Organizational Branding Administrator', 'Global Reader'];
const WRITE_ROLES = ['Global Administrator', 'Organizational Branding Administrator'];

export interface BrandingCall {
  req: EmuRequest;
  caller: GraphCaller;
  params: Record<string, string>;
  tenant: Tenant & { branding: BrandingState };
  error(status: number, code: string, message: string): EmuResponse;
  body(): { ok: true; value: Record<string, unknown> } | { ok: false; response: EmuResponse };
}

function allowed(call: BrandingCall, write: boolean): boolean {
  const perms: readonly string[] = write ? BRANDING_PERMISSIONS.write : BRANDING_PERMISSIONS.read;
  const { caller, tenant } = call;
  if (!caller.delegated) return caller.roles.some((r) => perms.includes(r));
  if (!caller.scopes.some((s) => perms.includes(s)) || caller.userId === null) return false;
  const held = activeRoleTemplates(tenant, caller.userId);
  return (write ? WRITE_ROLES : READ_ROLES).some((name) => {
    const id = DIRECTORY_ROLE_TEMPLATES[name];
    return id !== undefined && held.has(id);
  });
}

type Guarded = (call: BrandingCall) => EmuResponse;

function guard(write: boolean, handler: Guarded): Guarded {
  return (call) => {
    if (!allowed(call, write)) {
      return call.error(
        403,
        'Authorization_RequestDenied',
        'Insufficient privileges to complete the operation.',
      );
    }
    if ((call.params.org ?? '').toLowerCase() !== call.tenant.id) {
      return call.error(
        404,
        'Request_ResourceNotFound',
        `Resource '${call.params.org ?? ''}' does not exist or one of its queried reference-property objects are not present.`,
      );
    }
    return handler(call);
  };
}

function view(id: string, b: BrandingProperties): Record<string, unknown> {
  return { id, cdnList: [], ...b };
}

function findLocalization(state: BrandingState, locale: string): [string, BrandingProperties] | undefined {
  const key = locale.toLowerCase();
  for (const entry of state.localizations) if (entry[0].toLowerCase() === key) return entry;
  return undefined;
}

function notConfigured(call: BrandingCall): EmuResponse {
  return call.error(404, 'Request_ResourceNotFound', 'Branding for the organization was not found.');
}

/** GET /organization/{org}/branding — the default, or the localization Accept-Language names. */
const getBranding = guard(false, (call) => {
  const state = call.tenant.branding;
  const lang = call.req.headers['accept-language'];
  const localized = lang && lang !== '0' && lang !== 'default' ? findLocalization(state, lang) : undefined;
  if (localized)
    return json(200, {
      '@odata.context': `${GRAPH_ROOT}/$metadata#organization('${call.tenant.id}')/branding/$entity`,
      ...view(localized[0], localized[1]),
    });
  if (!state.defaultBranding) return notConfigured(call);
  return json(200, {
    '@odata.context': `${GRAPH_ROOT}/$metadata#organization('${call.tenant.id}')/branding/$entity`,
    ...view('0', state.defaultBranding),
  });
});

const patchBranding = guard(true, (call) => {
  const parsed = call.body();
  if (!parsed.ok) return parsed.response;
  const checked = validateBrandingPatch(parsed.value, 'OrganizationalBranding');
  if (!checked.ok) return call.error(400, 'Request_BadRequest', checked.message);
  const state = call.tenant.branding;
  state.defaultBranding ??= emptyBranding();
  applyBrandingPatch(state.defaultBranding, checked.value);
  return { status: 204 };
});

/** The list includes the default branding (id "0"), as Graph's does. */
const listLocalizations = guard(false, (call) => {
  const state = call.tenant.branding;
  const value = [
    ...(state.defaultBranding ? [view('0', state.defaultBranding)] : []),
    ...[...state.localizations].map(([id, b]) => view(id, b)),
  ];
  return json(200, {
    '@odata.context': `${GRAPH_ROOT}/$metadata#organization('${call.tenant.id}')/branding/localizations`,
    value,
  });
});

const LOCALE_ID = /^[a-z]{2,3}(-[A-Za-z]{4})?(-[A-Z]{2})?$/;

const createLocalization = guard(true, (call) => {
  const parsed = call.body();
  if (!parsed.ok) return parsed.response;
  const id = parsed.value.id;
  if (typeof id !== 'string' || !LOCALE_ID.test(id)) {
    return call.error(
      400,
      'Request_BadRequest',
      "Invalid value specified for property 'id' of resource 'OrganizationalBrandingLocalization'. Use a culture name such as en-US.",
    );
  }
  const state = call.tenant.branding;
  if (findLocalization(state, id)) {
    return call.error(
      409,
      'Request_MultipleObjectsWithSameKeyValue',
      `A branding localization for '${id}' already exists.`,
    );
  }
  const checked = validateBrandingPatch(parsed.value, 'OrganizationalBrandingLocalization');
  if (!checked.ok) return call.error(400, 'Request_BadRequest', checked.message);
  // Creating a localization also creates the default branding when there is none.
  state.defaultBranding ??= emptyBranding();
  const created = emptyBranding();
  applyBrandingPatch(created, checked.value);
  state.localizations.set(id, created);
  return json(201, {
    '@odata.context': `${GRAPH_ROOT}/$metadata#organization('${call.tenant.id}')/branding/localizations/$entity`,
    ...view(id, created),
  });
});

function withLocalization(
  write: boolean,
  handler: (call: BrandingCall, id: string, b: BrandingProperties) => EmuResponse,
): Guarded {
  return guard(write, (call) => {
    const locale = decodeURIComponent(call.params.locale ?? '');
    if (locale === '0' || locale === 'default') {
      if (!call.tenant.branding.defaultBranding) return notConfigured(call);
      return handler(call, '0', call.tenant.branding.defaultBranding);
    }
    const found = findLocalization(call.tenant.branding, locale);
    if (!found) {
      return call.error(
        404,
        'Request_ResourceNotFound',
        `Resource '${locale}' does not exist or one of its queried reference-property objects are not present.`,
      );
    }
    return handler(call, found[0], found[1]);
  });
}

const getLocalization = withLocalization(false, (call, id, b) =>
  json(200, {
    '@odata.context': `${GRAPH_ROOT}/$metadata#organization('${call.tenant.id}')/branding/localizations/$entity`,
    ...view(id, b),
  }),
);

const patchLocalization = withLocalization(true, (call, _id, b) => {
  const parsed = call.body();
  if (!parsed.ok) return parsed.response;
  const checked = validateBrandingPatch(parsed.value, 'OrganizationalBrandingLocalization');
  if (!checked.ok) return call.error(400, 'Request_BadRequest', checked.message);
  applyBrandingPatch(b, checked.value);
  return { status: 204 };
});

export const BRANDING_ROUTES: { method: string; template: string; handler: Guarded }[] = [
  { method: 'GET', template: '/organization/{org}/branding', handler: getBranding },
  { method: 'PATCH', template: '/organization/{org}/branding', handler: patchBranding },
  { method: 'GET', template: '/organization/{org}/branding/localizations', handler: listLocalizations },
  { method: 'POST', template: '/organization/{org}/branding/localizations', handler: createLocalization },
  {
    method: 'GET',
    template: '/organization/{org}/branding/localizations/{locale}',
    handler: getLocalization,
  },
  {
    method: 'PATCH',
    template: '/organization/{org}/branding/localizations/{locale}',
    handler: patchLocalization,
  },
];

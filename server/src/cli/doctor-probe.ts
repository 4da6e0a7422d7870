// DoctorProbe over the real connector: the same msal and Graph client the API uses.
import { randomBytes } from 'node:crypto';
import { AuthError } from '@azure/msal-node';
import type { EntraConnection } from '../directory/entra-connection.js';
import { aadstsNumber } from '../directory/graph-errors.js';
import { guidEqualsFilter, isGuid } from '../directory/odata-filter.js';
import type { ApplicationCredentials, DoctorProbe, ProbeResult } from './doctor-checks.js';

/** The payload of a JWT, unverified: doctor only reads the roles the token endpoint put in. */
export function decodeJwtClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (payload === undefined) return {};
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return claims !== null && typeof claims === 'object' ? (claims as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Microsoft Graph's application id, the same in every tenant. */
const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

export function connectionProbe(connection: EntraConnection): DoctorProbe {
  const { config } = connection;
  return {
    async appToken() {
      try {
        const result = await connection.credentials.appToken();
        return { ok: true, claims: decodeJwtClaims(result.accessToken), expiresOn: result.expiresOn ?? null };
      } catch (error) {
        const f = connection.failure(error);
        return {
          ok: false,
          code: f.code,
          ...(f.upstreamCode !== undefined ? { upstreamCode: f.upstreamCode } : {}),
        };
      }
    },

    application(): Promise<ProbeResult<ApplicationCredentials>> {
      return connection.run(async (deadline) => {
        const page = (await connection
          .api('/applications', deadline)
          .filter(encodeURIComponent(guidEqualsFilter('appId', config.clientId)))
          .select(['id', 'appId', 'displayName', 'passwordCredentials', 'keyCredentials'])
          .get()) as { value?: ApplicationCredentials[] };
        const app = page.value?.[0];
        if (!app) return { ok: false, code: 'not_found' };
        return {
          ok: true,
          value: {
            displayName: app.displayName ?? null,
            passwordCredentials: app.passwordCredentials ?? [],
            keyCredentials: app.keyCredentials ?? [],
          },
        };
      });
    },

    roleAssignments(servicePrincipalId) {
      if (!isGuid(servicePrincipalId)) return Promise.resolve({ ok: false, code: 'not_found' });
      return connection.run(async (deadline) => {
        const page = (await connection
          .api('/roleManagement/directory/roleAssignments', deadline)
          .filter(encodeURIComponent(guidEqualsFilter('principalId', servicePrincipalId)))
          .select(['id', 'roleDefinitionId', 'directoryScopeId'])
          .get()) as { value?: { roleDefinitionId?: string; directoryScopeId?: string }[] };
        return {
          ok: true,
          value: (page.value ?? []).map((a) => ({
            roleDefinitionId: a.roleDefinitionId ?? '',
            directoryScopeId: a.directoryScopeId ?? '/',
          })),
        };
      });
    },

    group(id) {
      if (!isGuid(id)) return Promise.resolve({ ok: false, code: 'not_found' });
      return connection.run(async (deadline) => {
        const g = (await connection.api(`/groups/${id}`, deadline).select(['id', 'displayName']).get()) as {
          id: string;
          displayName?: string | null;
        };
        return { ok: true, value: { id: g.id, displayName: g.displayName ?? null } };
      });
    },

    grantedPermissions(servicePrincipalId) {
      if (!isGuid(servicePrincipalId)) return Promise.resolve({ ok: false, code: 'not_found' });
      return connection.run(async (deadline) => {
        const assignments = (await connection
          .api(`/servicePrincipals/${servicePrincipalId}/appRoleAssignments`, deadline)
          .get()) as { value?: { appRoleId?: string; resourceId?: string }[] };
        // Role ids are Microsoft Graph's; its service principal names them.
        const graph = (await connection
          .api('/servicePrincipals', deadline)
          .filter(encodeURIComponent(guidEqualsFilter('appId', MICROSOFT_GRAPH_APP_ID)))
          .select(['id', 'appRoles'])
          .get()) as { value?: { id?: string; appRoles?: { id?: string; value?: string }[] }[] };
        const graphSp = graph.value?.[0];
        if (!graphSp?.id) return { ok: false, code: 'not_found' };
        const names = new Map((graphSp.appRoles ?? []).map((r) => [r.id ?? '', r.value ?? '']));
        return {
          ok: true,
          value: (assignments.value ?? [])
            .filter((a) => a.resourceId === graphSp.id)
            .map((a) => names.get(a.appRoleId ?? '') ?? '')
            .filter((name) => name !== ''),
        };
      });
    },

    async passwordGrantProbe() {
      // A user that cannot exist and a random password: nobody's account is touched or locked.
      const domain = isGuid(config.tenantId) ? 'invalid.example' : config.tenantId;
      const user = `mypass-doctor-probe-${randomBytes(6).toString('hex')}@${domain}`;
      try {
        await connection.credentials.passwordGrant(user, randomBytes(18).toString('base64url'));
        return { code: 'unexpected_success' };
      } catch (error) {
        if (error instanceof AuthError) {
          const aadsts = aadstsNumber(error);
          if (aadsts !== undefined) return { aadsts };
        }
        return { code: connection.failure(error).code };
      }
    },
  };
}

// Reads and writes the tenant's company branding through Microsoft Graph with the admin token:
// GET /organization/{id}/branding and /branding/localizations, PATCH the default or a
// localization, POST a new localization. Failures become BrandingGraphError with a stable code.
import type { Client } from '@microsoft/microsoft-graph-client';
import type { DirectoryConfig } from '../config/directory-config.js';
import { createGraphClient, retryWithin } from '../directory/graph-client.js';
import { OperationDeadline } from '../directory/operation-deadline.js';
import type { DirectoryHttp } from '../directory/outbound-proxy.js';
import type { BrandingFields, BrandingTarget, CurrentBranding } from './branding-plan.js';

export class BrandingGraphError extends Error {
  constructor(
    readonly code: 'branding_forbidden' | 'branding_rejected' | 'directory_unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'BrandingGraphError';
  }
}

const FIELDS = [
  'signInPageText',
  'customForgotMyPasswordText',
  'customAccountResetCredentialsUrl',
  'loginPageTextVisibilitySettings',
] as const;

function pick(entity: Record<string, unknown>): BrandingFields {
  const out: Record<string, unknown> = {};
  for (const f of FIELDS) if (f in entity) out[f] = entity[f];
  return out as BrandingFields;
}

function toBrandingError(error: unknown): BrandingGraphError {
  const e = error as { statusCode?: unknown; code?: unknown; message?: unknown } | null;
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 0;
  if (status === 401 || status === 403) {
    return new BrandingGraphError(
      'branding_forbidden',
      'Graph refused: the admin app needs OrganizationalBranding.ReadWrite.All (or Organization.ReadWrite.All), and a signed-in administrator the Organizational Branding Administrator or Global Administrator role',
    );
  }
  if (status === 400 || status === 409) {
    // Graph's own message names the property and the rule; it holds no secret.
    const message = typeof e?.message === 'string' ? e.message : 'bad request';
    return new BrandingGraphError(
      'branding_rejected',
      `Graph refused the change (${String(e?.code ?? status)}): ${message}`,
    );
  }
  return new BrandingGraphError(
    'directory_unavailable',
    `Microsoft Graph did not answer (${status || 'no response'})`,
  );
}

export class BrandingGraph {
  private readonly graph: Client;
  private readonly base: string;

  constructor(
    private readonly directory: DirectoryConfig,
    http: DirectoryHttp,
    accessToken: string,
    /** The tenant's id (a GUID): Graph's /organization/{id} takes no domain name. */
    organizationId: string,
  ) {
    this.graph = createGraphClient({
      graphUrl: directory.graphUrl,
      http,
      accessToken: () => Promise.resolve(accessToken),
    });
    this.base = `/organization/${encodeURIComponent(organizationId)}/branding`;
  }

  private request(path: string) {
    const deadline = new OperationDeadline(this.directory.timeouts.operationMs);
    return this.graph
      .api(path)
      .option('signal', deadline.signal)
      .middlewareOptions([retryWithin(deadline)]);
  }

  async read(): Promise<CurrentBranding> {
    let defaultBranding: BrandingFields | null = null;
    try {
      defaultBranding = pick((await this.request(this.base).get()) as Record<string, unknown>);
    } catch (error) {
      // 404: the tenant has no company branding yet; the plan creates it.
      if ((error as { statusCode?: unknown }).statusCode !== 404) throw toBrandingError(error);
    }
    let list: { value?: Record<string, unknown>[] };
    try {
      list = (await this.request(`${this.base}/localizations`).get()) as typeof list;
    } catch (error) {
      if ((error as { statusCode?: unknown }).statusCode === 404)
        return { defaultBranding, localizations: [] };
      throw toBrandingError(error);
    }
    const localizations = (list.value ?? [])
      .filter((l) => typeof l.id === 'string' && l.id !== '0' && l.id.toLowerCase() !== 'default')
      .map((l) => ({ id: String(l.id), fields: pick(l) }));
    return { defaultBranding, localizations };
  }

  async write(target: BrandingTarget): Promise<void> {
    try {
      if (target.action === 'unchanged') return;
      if (target.id === 'default') {
        // Graph's example names the default branding with Accept-Language: 0.
        await this.request(this.base).header('Accept-Language', '0').patch(target.patch);
      } else if (target.action === 'create') {
        await this.request(`${this.base}/localizations`).post({ id: target.id, ...target.patch });
      } else {
        await this.request(`${this.base}/localizations/${encodeURIComponent(target.id)}`).patch(target.patch);
      }
    } catch (error) {
      throw toBrandingError(error);
    }
  }
}

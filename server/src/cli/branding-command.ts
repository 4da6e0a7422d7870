// `mypass branding`: proposes (--dry-run) or writes (--apply) the guidance MyPass puts into
// Microsoft's sign-in pages through the tenant's company branding, signed in with SEPARATE admin
// credentials (T14): an administrator by device code, or a second app registration.
import { decodeJwtClaims } from './doctor-probe.js';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { directoryConfigSchema } from '../config/directory-config.js';
import { formatConfigProblems, loadConfig } from '../config/load-config.js';
import { createOutboundDispatcher, type DirectoryHttp } from '../directory/outbound-proxy.js';
import { acquireAdminToken, AdminSignInError, type AdminCredential } from '../branding/admin-credentials.js';
import { BrandingGraph, BrandingGraphError } from '../branding/branding-graph.js';
import {
  planBranding,
  planProblems,
  shippedLanguageFor,
  BRANDING_LIMITS,
} from '../branding/branding-plan.js';
import { renderBrandingPlan } from '../branding/branding-report.js';
import type { CliCommand, CliIo } from './cli-io.js';

const USAGE = `usage: mypass branding --reset-url URL (--device-code | --admin-client-id ID
                       (MYPASS_ADMIN_CLIENT_SECRET | --admin-certificate FILE)) [--dry-run | --apply]

Proposes, per language MyPass ships that the tenant's company branding uses (the default branding
and each localization), the guidance under Microsoft's sign-in box (signInPageText), the text of the
"Forgot my password" link, the reset address (customAccountResetCredentialsUrl, the MyPass web page)
and the hide flags. --dry-run (the default) prints the difference; --apply writes it. Microsoft's
length limits are checked before anything is sent.

Signs in with SEPARATE admin credentials, never the API's (the API's client id is refused):
  --device-code              an administrator (Organizational Branding Administrator) signs in in a
                             browser; needs --admin-client-id of a public client registration
  --admin-client-id ID       the admin app registration (holds OrganizationalBranding.ReadWrite.All)
  MYPASS_ADMIN_CLIENT_SECRET its client secret, in the environment only (a command line shows in ps
                             and in the shell's history)
  --admin-certificate FILE   or its certificate: PEM with the PRIVATE KEY and the CERTIFICATE

  --reset-url URL            the MyPass web page (https, ASCII, at most 128 characters)
  --default-language TAG     language of the default branding (default: en)
  --add-localization ID      also create this localization (culture name, e.g. sv-SE); repeatable
  --hide-reset-links         hide every self-service reset link instead of pointing them at MyPass
  -c, --config FILE          configuration file; default $MYPASS_CONFIG (tenant, authority, Graph, proxy)
  -h, --help                 this text

Exit code: 0 done, 1 sign-in, Graph or length-limit failure (nothing more is written), 2 usage or
configuration error.
`;

/** Only the directory section matters here (tenant, authority, Graph, proxy); others are not checked. */
const brandingConfigSchema = z.looseObject({ directory: directoryConfigSchema });

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface BrandingArgs {
  apply: boolean;
  credential: AdminCredential;
  resetUrl: string;
  defaultLanguage: string;
  addLocalizations: string[];
  hideResetLinks: boolean;
  config: string | undefined;
}

function parse(args: string[], io: CliIo): BrandingArgs | 'help' | string {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        'dry-run': { type: 'boolean' },
        apply: { type: 'boolean' },
        'device-code': { type: 'boolean' },
        'admin-client-id': { type: 'string' },
        // Parsed only to refuse it with a clear reason (T8: no secret on a command line).
        'admin-client-secret': { type: 'string' },
        'admin-certificate': { type: 'string' },
        'reset-url': { type: 'string' },
        'default-language': { type: 'string' },
        'add-localization': { type: 'string', multiple: true },
        'hide-reset-links': { type: 'boolean' },
        config: { type: 'string', short: 'c' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return (error as Error).message;
  }
  if (values.help) return 'help';
  if (values['dry-run'] && values.apply) return 'use either --dry-run or --apply';
  const clientId = values['admin-client-id'];
  if (clientId === undefined) return '--admin-client-id is required (the admin app registration)';
  if (!GUID.test(clientId)) return '--admin-client-id must be an application (client) id (a GUID)';
  if (values['admin-client-secret'] !== undefined) {
    return '--admin-client-secret is refused: a command line is visible to other users (ps, shell history); set MYPASS_ADMIN_CLIENT_SECRET instead';
  }
  const secret = io.env['MYPASS_ADMIN_CLIENT_SECRET'];
  const certificatePath = values['admin-certificate'];
  const chosen = [
    values['device-code'] === true,
    secret !== undefined && secret !== '',
    certificatePath !== undefined,
  ];
  if (chosen.filter(Boolean).length !== 1) {
    return 'choose exactly one of --device-code, MYPASS_ADMIN_CLIENT_SECRET, --admin-certificate';
  }
  const credential: AdminCredential = values['device-code']
    ? { kind: 'device-code', clientId }
    : certificatePath !== undefined
      ? { kind: 'certificate', clientId, certificatePath }
      : { kind: 'secret', clientId, secret: secret ?? '' };
  const resetUrl = values['reset-url'];
  if (resetUrl === undefined) return '--reset-url is required (the MyPass web page)';
  let parsed: URL | undefined;
  try {
    parsed = new URL(resetUrl);
  } catch {
    parsed = undefined;
  }
  if (parsed?.protocol !== 'https:') return '--reset-url must be an absolute https: URL';
  if (
    !/^[\x21-\x7e]+$/.test(resetUrl) ||
    resetUrl.length > BRANDING_LIMITS.customAccountResetCredentialsUrl
  ) {
    return `--reset-url must be ASCII (URL-encode other characters) and at most ${BRANDING_LIMITS.customAccountResetCredentialsUrl} characters`;
  }
  const defaultLanguage = values['default-language'] ?? 'en';
  if (!shippedLanguageFor(defaultLanguage)) return `MyPass ships no text in ${defaultLanguage}`;
  const addLocalizations = values['add-localization'] ?? [];
  for (const id of addLocalizations) {
    if (!/^[a-z]{2,3}(-[A-Za-z]{4})?(-[A-Z]{2})?$/.test(id)) {
      return `--add-localization ${id}: expected a culture name such as sv-SE`;
    }
  }
  return {
    apply: values.apply === true,
    credential,
    resetUrl,
    defaultLanguage,
    addLocalizations,
    hideResetLinks: values['hide-reset-links'] === true,
    config: values.config ?? io.env['MYPASS_CONFIG'],
  };
}

export async function branding(args: BrandingArgs, io: CliIo): Promise<number> {
  const loaded = await loadConfig({
    ...(args.config !== undefined ? { file: args.config } : {}),
    env: io.env,
    schema: brandingConfigSchema,
  });
  if (!loaded.ok) {
    io.stderr(
      `mypass branding: the configuration is not valid\n${formatConfigProblems(loaded.error.problems)}\n`,
    );
    return 2;
  }
  const directory = loaded.config.directory;
  if (args.credential.clientId.toLowerCase() === directory.clientId.toLowerCase()) {
    io.stderr(
      "mypass branding: admin_client_is_api: --admin-client-id is the MyPass API's own app registration; " +
        'branding runs with separate admin credentials (threat model T14)\n',
    );
    return 2;
  }
  const http: DirectoryHttp = {
    dispatcher: createOutboundDispatcher(directory),
    callMs: directory.timeouts.callMs,
  };
  try {
    const token = await acquireAdminToken({
      directory,
      http,
      credential: args.credential,
      onDeviceCode: (message) => io.stderr(`${message}\n`),
    });
    // Graph's /organization/{id} wants the tenant id: configured as a domain name, it is the tid
    // claim of the token the tenant just issued (read, not verified: it came from the authority).
    const tokenTenant = decodeJwtClaims(token)['tid'];
    const organizationId = GUID.test(directory.tenantId)
      ? directory.tenantId
      : typeof tokenTenant === 'string' && GUID.test(tokenTenant)
        ? tokenTenant
        : undefined;
    if (organizationId === undefined) {
      io.stderr(
        `mypass branding: tenant_unresolved: the token for ${directory.tenantId} names no tenant id; set directory.tenantId to the tenant's GUID\n`,
      );
      return 1;
    }
    const graph = new BrandingGraph(directory, http, token, organizationId);
    const options = {
      resetUrl: args.resetUrl,
      defaultLanguage: args.defaultLanguage,
      addLocalizations: args.addLocalizations,
      hideResetLinks: args.hideResetLinks,
    };
    const plan = planBranding(await graph.read(), options);
    const header = {
      tenantId:
        organizationId === directory.tenantId ? organizationId : `${directory.tenantId} (${organizationId})`,
      resetUrl: args.resetUrl,
    };
    io.stdout(renderBrandingPlan(plan, { ...header, mode: args.apply ? 'apply' : 'dry-run' }));
    const problems = planProblems(plan);
    if (problems.length > 0) {
      io.stderr(
        `mypass branding: branding_text_too_long: ${problems.map((p) => `${p.target} ${p.problem.field}`).join(', ')} exceed Microsoft's limits; nothing was written\n`,
      );
      return 1;
    }
    if (!args.apply) return 0;
    for (const target of plan.targets) {
      await graph.write(target);
      if (target.action !== 'unchanged') io.stdout(`written: ${target.id}\n`);
    }
    // Read back: a second plan must find nothing left to change.
    const after = planBranding(await graph.read(), { ...options, addLocalizations: [] });
    const left = after.targets.filter((t) => t.action !== 'unchanged').map((t) => t.id);
    if (left.length > 0) {
      io.stderr(
        `mypass branding: branding_not_verified: Graph does not show the change for ${left.join(', ')}\n`,
      );
      return 1;
    }
    io.stdout('verified: the tenant now shows MyPass in every planned language.\n');
    return 0;
  } catch (error) {
    if (error instanceof AdminSignInError || error instanceof BrandingGraphError) {
      io.stderr(`mypass branding: ${error.code}: ${error.message}\n`);
      return error instanceof AdminSignInError && error.code === 'admin_client_is_api' ? 2 : 1;
    }
    throw error;
  } finally {
    await http.dispatcher.close();
  }
}

export const brandingCommand: CliCommand = {
  summary: "propose or write MyPass's guidance in Microsoft's sign-in pages (company branding)",
  usage: USAGE,
  async run(args, io) {
    const parsed = parse(args, io);
    if (parsed === 'help') {
      io.stdout(USAGE);
      return 0;
    }
    if (typeof parsed === 'string') {
      io.stderr(`mypass branding: ${parsed}\n\n${USAGE}`);
      return 2;
    }
    return branding(parsed, io);
  },
};

// The SEPARATE admin credentials `mypass branding` signs in with (threat-model T14): an
// administrator through the device-code flow of a public client registration, or a second app
// registration with its own secret or certificate. Never the running API's registration: the
// command refuses the API's client id before anything is sent.
import { ConfidentialClientApplication, PublicClientApplication, type Configuration } from '@azure/msal-node';
import type { DirectoryConfig } from '../config/directory-config.js';
import { DirectoryNetworkClient, readCertificateCredential } from '../directory/msal-credentials.js';
import type { DirectoryHttp } from '../directory/outbound-proxy.js';

export type AdminCredential =
  | { kind: 'device-code'; clientId: string }
  | { kind: 'secret'; clientId: string; secret: string }
  | { kind: 'certificate'; clientId: string; certificatePath: string };

export class AdminSignInError extends Error {
  constructor(
    readonly code:
      | 'admin_client_is_api'
      | 'admin_certificate_unreadable'
      | 'admin_sign_in_failed'
      | 'admin_sign_in_expired',
    message: string,
  ) {
    super(message);
    this.name = 'AdminSignInError';
  }
}

/** The delegated permission an administrator grants; application registrations hold it as a role. */
export const BRANDING_PERMISSION = 'OrganizationalBranding.ReadWrite.All';

function graphResource(config: DirectoryConfig): string {
  return config.graphScope.replace(/\/\.default$/, '');
}

/** The OAuth error names Entra's token endpoint answers a device-code poll with (safe to print). */
const DEVICE_FLOW_ERRORS = new Set(['expired_token', 'authorization_declined', 'bad_verification_code']);

/**
 * msal's code for what went wrong, never its message (it can echo request details); for a failed
 * device-code poll msal carries the token endpoint's OAuth error name as the message.
 */
function msalCode(error: unknown): string {
  const e = error as { errorCode?: unknown; errorMessage?: unknown } | null;
  const code = typeof e?.errorCode === 'string' && e.errorCode !== '' ? e.errorCode : 'unknown';
  if (
    code === 'post_request_failed' &&
    typeof e?.errorMessage === 'string' &&
    DEVICE_FLOW_ERRORS.has(e.errorMessage)
  ) {
    return e.errorMessage;
  }
  return code;
}

/**
 * Signs in and returns a Graph access token for branding. `onDeviceCode` receives Microsoft's
 * instruction ("open … and enter the code …") for the administrator.
 */
export async function acquireAdminToken(options: {
  directory: DirectoryConfig;
  http: DirectoryHttp;
  credential: AdminCredential;
  onDeviceCode: (message: string) => void;
  /** How long to wait for the administrator (device code), in seconds. */
  deviceCodeTimeoutSeconds?: number;
}): Promise<string> {
  const { directory, credential } = options;
  if (credential.clientId.toLowerCase() === directory.clientId.toLowerCase()) {
    throw new AdminSignInError(
      'admin_client_is_api',
      "this is the MyPass API's own app registration; branding needs separate admin credentials",
    );
  }
  const auth = {
    clientId: credential.clientId,
    authority: `${directory.authorityHost}/${directory.tenantId}`,
    knownAuthorities: [new URL(directory.authorityHost).host],
  };
  const system: Configuration['system'] = {
    networkClient: new DirectoryNetworkClient(options.http),
    disableInternalRetries: true,
  };
  try {
    if (credential.kind === 'device-code') {
      const app = new PublicClientApplication({ auth, system });
      const result = await app.acquireTokenByDeviceCode({
        scopes: [`${graphResource(directory)}/${BRANDING_PERMISSION}`],
        deviceCodeCallback: (response) => options.onDeviceCode(response.message),
        ...(options.deviceCodeTimeoutSeconds !== undefined
          ? { timeout: options.deviceCodeTimeoutSeconds }
          : {}),
      });
      // The administrator's tokens must not outlive this command.
      const cache = app.getTokenCache();
      for (const account of await cache.getAllAccounts()) await cache.removeAccount(account);
      if (!result?.accessToken) throw new AdminSignInError('admin_sign_in_failed', 'no access token');
      return result.accessToken;
    }
    let app: ConfidentialClientApplication;
    if (credential.kind === 'secret') {
      app = new ConfidentialClientApplication({ auth: { ...auth, clientSecret: credential.secret }, system });
    } else {
      let cert;
      try {
        cert = await readCertificateCredential(credential.certificatePath);
      } catch (error) {
        throw new AdminSignInError('admin_certificate_unreadable', (error as Error).message);
      }
      app = new ConfidentialClientApplication({
        auth: {
          ...auth,
          clientCertificate: {
            thumbprintSha256: cert.thumbprintSha256,
            privateKey: cert.privateKeyPem,
            x5c: cert.certificatePem,
          },
        },
        system,
      });
    }
    const result = await app.acquireTokenByClientCredential({ scopes: [directory.graphScope] });
    if (!result?.accessToken) throw new AdminSignInError('admin_sign_in_failed', 'no access token');
    return result.accessToken;
  } catch (error) {
    if (error instanceof AdminSignInError) throw error;
    const code = msalCode(error);
    if (code === 'device_code_expired' || code === 'user_timeout_reached' || code === 'expired_token') {
      throw new AdminSignInError('admin_sign_in_expired', 'nobody completed the sign-in in time');
    }
    throw new AdminSignInError('admin_sign_in_failed', `the sign-in failed (${code})`);
  }
}

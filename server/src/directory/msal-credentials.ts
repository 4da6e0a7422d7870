// msal-node as entra.md prescribes: an https authority {authorityHost}/{tenantId},
// knownAuthorities = [host] (skips instance discovery, works offline), no instanceAware or
// azureCloudOptions. The app token is held with its expiry and renewed through msal ahead of it;
// the password grant goes through a public client whose account is removed after
// every check so a shared server never accumulates people's tokens.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  AuthError,
  ConfidentialClientApplication,
  PublicClientApplication,
  type AuthenticationResult,
  type Configuration,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
} from '@azure/msal-node';
import type { DirectoryConfig } from '../config/directory-config.js';
import { parseRetryAfter } from './graph-errors.js';
import { fetchThroughDirectory, type DirectoryHttp } from './outbound-proxy.js';

/** Renew the held app token this long before it expires (msal's own tokenRenewalOffsetSeconds, 300 s). */
const TOKEN_RENEWAL_MARGIN_MS = 300_000;

/** msal's own default when a 429/5xx carries no Retry-After (ThrottlingUtils). */
const MSAL_DEFAULT_THROTTLE_SECONDS = 60;

export interface CertificateCredential {
  privateKeyPem: string;
  certificatePem: string;
  thumbprintSha256: string;
  thumbprintSha1: string;
  notAfter: Date;
}

export class CredentialFileError extends Error {
  readonly code = 'certificate_unreadable';
}

/** Reads a PEM holding the private key and the certificate registered on the app. */
export async function readCertificateCredential(path: string): Promise<CertificateCredential> {
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (e) {
    throw new CredentialFileError(
      `cannot read the certificate file (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const certBlock = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
  // Any PEM key label (PKCS#8, RSA, EC, encrypted); one createPrivateKey cannot read is refused below.
  const keyBlock = /-----BEGIN ([A-Z ]*PRIVATE KEY)-----[\s\S]+?-----END \1-----/.exec(pem)?.[0];
  if (!certBlock || !keyBlock)
    throw new CredentialFileError('the certificate file needs both a CERTIFICATE and a PRIVATE KEY block');
  try {
    const cert = new X509Certificate(certBlock);
    // msal-node wants PKCS#8 (an unencrypted "PRIVATE KEY" block).
    const privateKeyPem = createPrivateKey(keyBlock).export({ type: 'pkcs8', format: 'pem' }).toString();
    return {
      privateKeyPem,
      certificatePem: certBlock,
      thumbprintSha256: cert.fingerprint256.replaceAll(':', ''),
      thumbprintSha1: cert.fingerprint.replaceAll(':', ''),
      notAfter: new Date(cert.validTo),
    };
  } catch {
    throw new CredentialFileError('the certificate file holds no usable certificate and private key');
  }
}

/**
 * msal's network client over the connector's dispatcher (proxy, per-call timeout). It also notes
 * when msal will refuse the same request locally after a 429/5xx, so a throttled failure can say
 * how long to wait.
 */
export class DirectoryNetworkClient implements INetworkModule {
  private throttledUntil = 0;

  constructor(private readonly http: DirectoryHttp) {}

  throttleSecondsLeft(now = Date.now()): number | undefined {
    return this.throttledUntil > now ? Math.ceil((this.throttledUntil - now) / 1000) : undefined;
  }

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>(url, 'GET', options);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>(url, 'POST', options);
  }

  private async send<T>(
    url: string,
    method: 'GET' | 'POST',
    options?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> {
    const response = await fetchThroughDirectory(this.http, url, {
      method,
      ...(options?.headers ? { headers: options.headers } : {}),
      body: method === 'POST' ? (options?.body ?? '') : undefined,
    });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      headers[key] = value;
    });
    if (response.status === 429 || response.status >= 500) {
      const seconds = parseRetryAfter(headers['retry-after']) ?? MSAL_DEFAULT_THROTTLE_SECONDS;
      this.throttledUntil = Math.max(this.throttledUntil, Date.now() + seconds * 1000);
    }
    const text = await response.text();
    let body: T;
    try {
      body = (text === '' ? {} : JSON.parse(text)) as T;
    } catch {
      body = { error: 'invalid_response', error_description: `HTTP ${response.status} without JSON` } as T;
    }
    return { headers, body, status: response.status };
  }
}

export interface MsalCredentialsOptions {
  config: DirectoryConfig;
  http: DirectoryHttp;
  /** Read from config.clientCertificatePath by createMsalCredentials. */
  certificate?: CertificateCredential;
}

export class MsalCredentials {
  readonly network: DirectoryNetworkClient;
  private readonly confidential: ConfidentialClientApplication;
  private readonly publicClient: PublicClientApplication;
  private readonly scopes: string[];

  constructor(private readonly options: MsalCredentialsOptions) {
    const { config, certificate } = options;
    this.network = new DirectoryNetworkClient(options.http);
    const authority = `${config.authorityHost}/${config.tenantId}`;
    const shared = {
      clientId: config.clientId,
      authority,
      knownAuthorities: [new URL(config.authorityHost).host],
    };
    // msal's internal retry would add to ours and to the time cap; one attempt per call.
    const system: Configuration['system'] = { networkClient: this.network, disableInternalRetries: true };
    if (config.clientSecret === undefined && certificate === undefined) {
      throw new CredentialFileError('no client secret or certificate');
    }
    this.confidential = new ConfidentialClientApplication({
      auth: {
        ...shared,
        ...(config.clientSecret !== undefined
          ? { clientSecret: config.clientSecret }
          : {
              clientCertificate: {
                thumbprintSha256: certificate?.thumbprintSha256 ?? '',
                privateKey: certificate?.privateKeyPem ?? '',
                x5c: certificate?.certificatePem ?? '',
              },
            }),
      },
      system,
    });
    this.publicClient = new PublicClientApplication({ auth: shared, system });
    this.scopes = [config.graphScope];
  }

  /** The certificate's expiry, when the app authenticates with one (doctor). */
  get certificateNotAfter(): Date | undefined {
    return this.options.certificate?.notAfter;
  }

  /**
   * An app-only Graph token. Held here with its expiry while more than the renewal margin is left
   * (msal's own cache look-up per Graph call was ~6 % of the API's CPU in the bench); renewed through
   * msal, one request at a time, when the margin is reached. Throws msal errors.
   */
  async appToken(): Promise<AuthenticationResult> {
    const held = this.heldToken;
    if (held && (held.expiresOn?.getTime() ?? 0) - Date.now() > TOKEN_RENEWAL_MARGIN_MS) return held;
    this.renewing ??= this.acquireAppToken().finally(() => {
      this.renewing = undefined;
    });
    return this.renewing;
  }

  private heldToken: AuthenticationResult | undefined;
  private renewing: Promise<AuthenticationResult> | undefined;

  private async acquireAppToken(): Promise<AuthenticationResult> {
    const result = await this.confidential.acquireTokenByClientCredential({ scopes: this.scopes });
    // entra.md: msal reports an empty access_token as success.
    if (!result?.accessToken)
      throw new AuthError('empty_access_token', '', 'the token endpoint returned no access token');
    this.heldToken = result;
    return result;
  }

  /**
   * The password grant (ROPC). Resolves with the result or rejects with msal's error; the
   * account it put into the cache is removed either way.
   */
  async passwordGrant(username: string, password: string): Promise<AuthenticationResult | null> {
    try {
      // Deprecated in MSAL but the only app-side way to verify a current password (entra.md).
      return await this.publicClient.acquireTokenByUsernamePassword({
        scopes: ['User.Read'],
        username,
        password,
      });
    } finally {
      await this.forgetAccounts();
    }
  }

  /** Accounts currently in the password-grant cache (tests prove it stays empty). */
  async cachedAccountCount(): Promise<number> {
    return (await this.publicClient.getTokenCache().getAllAccounts()).length;
  }

  /** Every account, not only this user's: nothing of a person should outlive their check. */
  private async forgetAccounts(): Promise<void> {
    const cache = this.publicClient.getTokenCache();
    for (const account of await cache.getAllAccounts()) {
      await cache.removeAccount(account);
    }
  }
}

export async function createMsalCredentials(
  config: DirectoryConfig,
  http: DirectoryHttp,
): Promise<MsalCredentials> {
  const certificate =
    config.clientCertificatePath !== undefined
      ? await readCertificateCredential(config.clientCertificatePath)
      : undefined;
  return new MsalCredentials({ config, http, ...(certificate ? { certificate } : {}) });
}

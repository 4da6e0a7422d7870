// Environment variables that override the configuration file — the one table, documented in
// server/README.md ("Configuration"). Azure Identity's names for the app credentials
// (https://learn.microsoft.com/javascript/api/@azure/identity/environmentcredential), MYPASS_*
// for the rest. Other sections add rows here.

export interface EnvOverride {
  /** The environment variable. */
  env: string;
  /** Where the value goes in the configuration. */
  path: readonly string[];
  /**
   * How the string is read; numbers and booleans are validated by the schema afterwards.
   * `key-list` is `id:secret,id:secret` (newest first), for rotatable keys.
   */
  type: 'string' | 'integer' | 'boolean' | 'key-list';
  /** Never echoed in errors or reports. */
  secret?: boolean;
  /** Paths removed when this variable is set (an env credential replaces the file's whole credential). */
  replaces?: readonly (readonly string[])[];
  description: string;
}

export const envOverrides: readonly EnvOverride[] = [
  {
    env: 'AZURE_TENANT_ID',
    path: ['directory', 'tenantId'],
    type: 'string',
    description: 'Directory (tenant) id',
  },
  {
    env: 'AZURE_CLIENT_ID',
    path: ['directory', 'clientId'],
    type: 'string',
    description: 'Application (client) id',
  },
  {
    env: 'AZURE_CLIENT_SECRET',
    path: ['directory', 'clientSecret'],
    type: 'string',
    secret: true,
    replaces: [['directory', 'clientCertificatePath']],
    description: 'Client secret (instead of a certificate)',
  },
  {
    env: 'AZURE_CLIENT_CERTIFICATE_PATH',
    path: ['directory', 'clientCertificatePath'],
    type: 'string',
    replaces: [['directory', 'clientSecret']],
    description: 'PEM file with the private key and certificate (instead of a secret)',
  },
  {
    env: 'AZURE_AUTHORITY_HOST',
    path: ['directory', 'authorityHost'],
    type: 'string',
    description: 'Token authority, default https://login.microsoftonline.com',
  },
  {
    env: 'MYPASS_GRAPH_URL',
    path: ['directory', 'graphUrl'],
    type: 'string',
    description: 'Microsoft Graph base URL, default https://graph.microsoft.com',
  },
  {
    env: 'MYPASS_GRAPH_SCOPE',
    path: ['directory', 'graphScope'],
    type: 'string',
    description: 'Graph scope',
  },
  {
    env: 'MYPASS_DIRECTORY_CALL_TIMEOUT_MS',
    path: ['directory', 'timeouts', 'callMs'],
    type: 'integer',
    description: 'Timeout of each token or Graph call',
  },
  {
    env: 'MYPASS_DIRECTORY_OPERATION_TIMEOUT_MS',
    path: ['directory', 'timeouts', 'operationMs'],
    type: 'integer',
    description: 'Total time cap of one directory operation',
  },
  {
    env: 'MYPASS_PROXY_URL',
    path: ['directory', 'proxy', 'url'],
    type: 'string',
    description: 'Outbound proxy for Entra ID (else HTTPS_PROXY/NO_PROXY)',
  },
  {
    env: 'MYPASS_PASSWORD_GRANT_ENABLED',
    path: ['directory', 'passwordGrant', 'enabled'],
    type: 'boolean',
    description: 'Allow the password grant (enrollment with the current password)',
  },
  {
    env: 'MYPASS_HOST',
    path: ['server', 'host'],
    type: 'string',
    description: 'Address the API listens on',
  },
  {
    env: 'MYPASS_PORT',
    path: ['server', 'port'],
    type: 'integer',
    description: 'TCP port the API listens on',
  },
  {
    env: 'MYPASS_LOG_LEVEL',
    path: ['server', 'logLevel'],
    type: 'string',
    description: 'pino log level',
  },
  {
    env: 'MYPASS_DATABASE_URL',
    path: ['store', 'url'],
    type: 'string',
    secret: true,
    description: 'Store: sqlite:/path/file.db or postgres://user:password@host/db',
  },
  {
    env: 'MYPASS_CODE_KEYS',
    path: ['store', 'codeKeys'],
    type: 'key-list',
    secret: true,
    description:
      'Keys for code HMACs and outbox encryption, `id:secret[:YYYY-MM-DD],id:secret`, newest first (the optional date is when the key was made)',
  },
  {
    env: 'MYPASS_DECOY_KEY',
    path: ['flows', 'decoyKey'],
    type: 'string',
    secret: true,
    description: 'Key that makes decoy methods stable per name (at least 32 characters)',
  },
  {
    env: 'MYPASS_WEB_UI_DIR',
    path: ['webUi', 'dir'],
    type: 'string',
    description: 'Folder of the built web UI (kiosk/dist/web)',
  },
  {
    env: 'MYPASS_DEMO_USERS_FILE',
    path: ['webUi', 'demoUsersFile'],
    type: 'string',
    description: 'Demo only: the demo users list the web page shows',
  },
];

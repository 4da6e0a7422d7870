// The emulator's programmatic surface, shared by the connector's tests, the demo and the bench.
import type { KeyAndCertificate } from './ca.js';

export interface EmulatorOptions {
  /** 0 (default) picks a free port. Always binds 127.0.0.1. */
  port?: number;
  /** CA that signs the emulator's server certificate; the test CA (with-test-ca.ts) when omitted. */
  ca?: KeyAndCertificate;
  /** The demo tenant (default), optionally plus N generated users for benchmarks. */
  generatedUsers?: number;
  /** Override the application permissions (app roles) granted to the API app; defaults to the least-privileged set of entra.md. */
  apiAppRoles?: string[];
}

export type FaultKind =
  | { kind: 'latency'; ms: number }
  | { kind: 'status'; status: 429 | 503 | 504; retryAfterSeconds?: number }
  /** 504 returned *after* the change was applied (the ambiguous password change). */
  | { kind: 'status_after_apply'; status: 504 }
  | { kind: 'drop_connection' };

export interface FaultRule {
  /** Method and path prefix to match, e.g. { method: 'PATCH', path: '/v1.0/users/' } or path '/contoso/oauth2/v2.0/token'. */
  method?: string;
  pathPrefix: string;
  fault: FaultKind;
  /** How many matching requests get the fault (default: unlimited). */
  times?: number;
}

export interface EmulatorApp {
  clientId: string;
  clientSecret: string;
  /** Certificate credential registered on the same app (for client-assertion tests). */
  certificate: { certPem: string; keyPem: string; thumbprintSha1: string; thumbprintSha256: string };
}

export interface RunningEmulator {
  /** https://127.0.0.1:PORT — both the authority host and the Graph base (Graph lives under /v1.0). */
  origin: string;
  port: number;
  tenantId: string;
  /** The tenant's primary domain, contoso.example. */
  domain: string;
  /** The app registration the MyPass API uses (client credentials + public client flows for the password grant). */
  apiApp: EmulatorApp;
  /** A second app registration for admin tasks (branding), never the API's. */
  adminApp: EmulatorApp;
  /** Group ids by display name (e.g. 'MyPass Licensed', 'MyPass Two Methods'). */
  groups: Record<string, string>;
  faults: {
    add(rule: FaultRule): void;
    clear(): void;
  };
  /** Requests seen per "METHOD /route-template" (e.g. "GET /v1.0/users"), plus token requests by grant type. */
  counters(): Record<string, number>;
  resetCounters(): void;
  /** Set or replace the API app's granted app roles at run time (doctor tests). */
  setApiAppRoles(roles: string[]): void;
  /** Directory-role assignments of the API app's service principal, by role template display name. */
  setApiDirectoryRoles(roles: { roleName: string; scope?: string }[]): void;
  close(): Promise<void>;
}

// `mypass doctor [--config FILE]`: loads the configuration, asks Entra ID what the app may do,
// prints the report; exit code 1 on any failure, 2 on a configuration or usage error.
import type { DirectoryConfig } from '../config/directory-config.js';
import { formatConfigProblems, loadConfig } from '../config/load-config.js';
import { createEntraConnection } from '../directory/entra-connection.js';
import { readCertificateCredential } from '../directory/msal-credentials.js';
import { configFile, parseCommandArgs } from './admin-context.js';
import type { CliCommand, CliIo } from './cli-io.js';
import { runDoctorChecks, type DoctorFeatures, type DoctorSettings } from './doctor-checks.js';
import { hasFailure, type Finding } from './doctor-findings.js';
import { connectionProbe } from './doctor-probe.js';
import { DEFAULT_DECOY_SAMPLE, decoySharesCheck } from './doctor-decoy-shares.js';
import { renderDoctorReport } from './doctor-report.js';
import { AuthError } from '@azure/msal-node';
import type { EntraConnection } from '../directory/entra-connection.js';
import { aadstsNumber } from '../directory/graph-errors.js';
import { countLicensedUsers } from '../policy/licensing.js';
import type { MyPassConfig } from '../config/schema.js';
import { openExistingStore } from '../store/open-store.js';
import type { SealedKeyUsage } from '../store/maintenance-repository.js';
import type { Store } from '../store/store.js';
import {
  codeKeyFindings,
  sealedKeyFindings,
  conditionalAccessAuditFinding,
  licensingFindings,
  methodSourceFindings,
  passwordGrantCanaryFinding,
  weakPolicyFindings,
  enrollmentEnumerationFindings,
  unreachablePolicyFindings,
} from './doctor-config-checks.js';

const AUDIT_DAYS = 7;

/**
 * What doctor reads from the store, in one open: Conditional Access refusals of password checks
 * in the audit (last AUDIT_DAYS, when asked) and which code keys sealed what. Each is null when
 * the store cannot be read (doctor never creates or migrates a database).
 */
async function readStore(
  config: MyPassConfig,
  now: Date,
  options: { auditRefusals: boolean },
): Promise<{ refusals: number | null; sealed: SealedKeyUsage | null }> {
  // Doctor only reads: it never creates a database where none is.
  const store = await openExistingStore(config.store.url, config.store.codeKeys);
  if (!store) return { refusals: null, sealed: null };
  try {
    const refusals = options.auditRefusals ? await conditionalAccessRefusals(store, now) : null;
    const sealed = await store.maintenance.sealedKeyUsage({ now }).catch(() => null);
    return { refusals, sealed };
  } finally {
    await store.close();
  }
}

async function conditionalAccessRefusals(store: Store, now: Date): Promise<number | null> {
  try {
    const since = new Date(now.getTime() - AUDIT_DAYS * 86_400_000);
    let blocked = 0;
    let afterId: string | undefined;
    for (;;) {
      const page = await store.maintenance.auditPage({
        since,
        event: 'password_failed',
        limit: 1000,
        ...(afterId !== undefined ? { afterId } : {}),
      });
      blocked += page.filter((e) => e.detail['reason'] === 'conditional_access').length;
      if (page.length < 1000) return blocked;
      afterId = page[page.length - 1]?.id;
    }
  } catch {
    // Doctor never migrates: a store without the audit table has nothing to say yet.
    return null;
  }
}

/** The password grant for the canary account: success, or the AADSTS number that refused it. */
async function canaryPasswordGrant(
  connection: EntraConnection,
  user: string,
  password: string,
): Promise<{ ok: true } | { aadsts?: string; code?: string }> {
  try {
    const result = await connection.credentials.passwordGrant(user, password);
    return result ? { ok: true } : { code: 'no_result' };
  } catch (error) {
    if (error instanceof AuthError) {
      const aadsts = aadstsNumber(error);
      if (aadsts !== undefined) return { aadsts };
    }
    return { code: connection.failure(error).code };
  }
}

const USAGE = `usage: mypass doctor [--config FILE]

Checks the Entra ID app registration MyPass runs as: token, application permissions (missing and
excess), the service principal's directory role and scope, licensed and policy groups, the expiry
of the client secret or certificate, and whether the password grant is usable.

It also reads MyPass's own configuration: policies weaker than the defaults, the method sources in
use, licensing (seats used and bought) and the age of the code keys.

  -c, --config FILE   configuration file (YAML or JSON); default $MYPASS_CONFIG, else environment only
  --probe-user UPN    a cloud-only canary account whose password is in $MYPASS_DOCTOR_PROBE_PASSWORD:
                      doctor signs it in with the password grant to see whether Conditional Access
                      lets enrollment through from this server (AADSTS53003 otherwise)
  --decoy-sample N    read N licensed users, drawn at random (default ${DEFAULT_DECOY_SAMPLE}), as a reset does and
                      compare the shapes of their method lists with the decoys' (flows.decoyShares,
                      each policy's decoyShares, flows.decoyEmailDomains, decoyEmailInitials and
                      decoyCountries), and name SMS countries none of their numbers is from;
                      0 skips it
  -h, --help          this text

Exit code: 0 no failures, 1 at least one failure, 2 configuration or usage error.
`;

/** Reads the features doctor checks permissions for, defensively: other sections own these fields. */
export function doctorFeatures(
  config: { directory: DirectoryConfig } & Record<string, unknown>,
): DoctorFeatures {
  const access = (config['access'] ?? {}) as { licensedGroups?: unknown; policies?: unknown };
  const policies = Array.isArray(access.policies) ? (access.policies as Record<string, unknown>[]) : [];
  const afterReset = policies.map(
    (p) => (p['afterReset'] ?? {}) as { dismissRisk?: unknown; revokeSessions?: unknown },
  );
  const strings = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  return {
    // Dismissal is on by default in the policy schema; off only when every policy turns it off.
    dismissRisk: afterReset.length === 0 || afterReset.some((a) => a.dismissRisk !== false),
    revokeSessions: afterReset.some((a) => a.revokeSessions === true),
    passwordGrant: config.directory.passwordGrant.enabled,
    licensedGroupIds: strings(access.licensedGroups),
    policyGroupIds: policies.flatMap((p) => strings(p['groups'])),
  };
}

export interface DoctorOptions {
  /** A real (canary) account for the password-grant check; its password comes from MYPASS_DOCTOR_PROBE_PASSWORD. */
  probeUser?: string;
  /** Users sampled for the decoy shares (default DEFAULT_DECOY_SAMPLE); 0 skips the check. */
  decoySample?: number;
}

export async function doctor(
  configFile: string | undefined,
  io: CliIo,
  now = new Date(),
  options: DoctorOptions = {},
): Promise<{ exitCode: number; findings: Finding[] }> {
  const loaded = await loadConfig({ ...(configFile !== undefined ? { file: configFile } : {}), env: io.env });
  if (!loaded.ok) {
    io.stderr(
      `mypass doctor: the configuration is not valid\n${formatConfigProblems(loaded.error.problems)}\n`,
    );
    return { exitCode: 2, findings: [] };
  }
  const config = loaded.config;
  const directory = config.directory;
  const header = {
    tenantId: directory.tenantId,
    clientId: directory.clientId,
    credential: directory.clientSecret !== undefined ? ('client secret' as const) : ('certificate' as const),
    authorityHost: directory.authorityHost,
    graphUrl: directory.graphUrl,
    proxy: directory.proxy
      ? directory.proxy.url.replace(/\/\/[^@/]*@/, '//***@')
      : 'HTTPS_PROXY/NO_PROXY from the environment, if set',
  };
  const features = doctorFeatures(
    config as unknown as { directory: DirectoryConfig } & Record<string, unknown>,
  );

  let credential: DoctorSettings['credential'];
  if (directory.clientSecret !== undefined) {
    credential = { kind: 'secret', hint: directory.clientSecret.slice(0, 3) };
  } else {
    try {
      const cert = await readCertificateCredential(directory.clientCertificatePath ?? '');
      credential = { kind: 'certificate', thumbprintSha1: cert.thumbprintSha1, notAfter: cert.notAfter };
    } catch (error) {
      const findings: Finding[] = [
        {
          check: 'token',
          status: 'fail',
          summary: `The certificate file cannot be used: ${(error as Error).message}.`,
          fix: 'directory.clientCertificatePath (AZURE_CLIENT_CERTIFICATE_PATH) must name a readable PEM file with the PRIVATE KEY and the CERTIFICATE.',
        },
      ];
      io.stdout(renderDoctorReport(header, findings));
      return { exitCode: 1, findings };
    }
  }

  const connection = await createEntraConnection(directory);
  if (!connection.ok) {
    const findings: Finding[] = [
      {
        check: 'token',
        status: 'fail',
        summary: `The connector could not start (${connection.upstreamCode ?? connection.code}).`,
        fix: 'Check the directory section of the configuration.',
      },
    ];
    io.stdout(renderDoctorReport(header, findings));
    return { exitCode: 1, findings };
  }
  try {
    const findings = await runDoctorChecks(connectionProbe(connection.value), { features, credential, now });
    const { access } = config;
    findings.push(
      ...methodSourceFindings(access),
      ...weakPolicyFindings(access),
      ...enrollmentEnumerationFindings(access, (kind) =>
        kind === 'sms'
          ? config.delivery.sms.provider !== 'none' && config.delivery.smsCountries.length > 0
          : config.delivery.email.provider !== 'none',
      ),
      ...unreachablePolicyFindings(access),
      ...codeKeyFindings(config.store.codeKeys, now),
      ...licensingFindings(
        access,
        access.licensedGroups.length > 0
          ? await countLicensedUsers(connection.value, access.licensedGroups)
          : null,
      ),
    );
    const stored = await readStore(config, now, { auditRefusals: config.directory.passwordGrant.enabled });
    findings.push(...sealedKeyFindings(stored.sealed, config.store.codeKeys));
    if (config.directory.passwordGrant.enabled) {
      findings.push(conditionalAccessAuditFinding(stored.refusals, AUDIT_DAYS));
    }
    const probePassword = io.env['MYPASS_DOCTOR_PROBE_PASSWORD'];
    if (options.probeUser !== undefined && probePassword) {
      findings.push(
        passwordGrantCanaryFinding(
          options.probeUser,
          await canaryPasswordGrant(connection.value, options.probeUser, probePassword),
        ),
      );
    }
    findings.push(...(await decoySharesCheck(connection.value, config, now, options.decoySample)));
    io.stdout(renderDoctorReport(header, findings));
    return { exitCode: hasFailure(findings) ? 1 : 0, findings };
  } finally {
    await connection.value.close();
  }
}

export const doctorCommand: CliCommand = {
  summary:
    "check the Entra ID app registration's permissions, role, groups, credential expiry and password grant",
  usage: USAGE,
  async run(args, io) {
    const values = parseCommandArgs('doctor', USAGE, args, io, {
      'probe-user': 'string',
      'decoy-sample': 'string',
    });
    if (typeof values === 'number') return values;
    const probeUser = typeof values['probe-user'] === 'string' ? values['probe-user'] : undefined;
    const sampleArg = values['decoy-sample'];
    if (typeof sampleArg === 'string' && !/^\d{1,6}$/.test(sampleArg)) {
      io.stderr('mypass doctor: --decoy-sample takes a whole number of users (0 skips the check)\n');
      return 2;
    }
    if (probeUser !== undefined && !io.env['MYPASS_DOCTOR_PROBE_PASSWORD']) {
      // Never on the command line: other users of the machine can read it in the process list.
      io.stderr('mypass doctor: --probe-user needs the password in MYPASS_DOCTOR_PROBE_PASSWORD\n');
      return 2;
    }
    return (
      await doctor(configFile(values, io), io, new Date(), {
        ...(probeUser !== undefined ? { probeUser } : {}),
        ...(typeof sampleArg === 'string' ? { decoySample: Number(sampleArg) } : {}),
      })
    ).exitCode;
  },
};

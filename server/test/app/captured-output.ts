// Everything the app wrote during a test file (log lines, audit rows) and every secret it handled,
// for the scan that proves no secret, code, password or token reaches a log or the audit (T8).
export const captured = {
  logLines: [] as string[],
  auditRows: [] as string[],
  secrets: new Set<string>(),
};

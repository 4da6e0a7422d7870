// Streams audit rows between two times in pages, oldest first, as JSON lines or CEF.
import type { MaintenanceRepository } from '../store/maintenance-repository.js';
import { formatAuditLine, type AuditFormat } from './audit-format.js';

export interface AuditExportQuery {
  since: Date;
  until?: Date;
  format: AuditFormat;
  pageSize?: number;
}

/** Writes one line per row (each ending in `\n`); resolves to the number of rows written. */
export async function exportAudit(
  maintenance: Pick<MaintenanceRepository, 'auditPage'>,
  query: AuditExportQuery,
  write: (text: string) => void,
): Promise<number> {
  const limit = query.pageSize ?? 1000;
  let afterId: string | undefined;
  let written = 0;
  for (;;) {
    const page = await maintenance.auditPage({
      since: query.since,
      ...(query.until ? { until: query.until } : {}),
      ...(afterId !== undefined ? { afterId } : {}),
      limit,
    });
    if (page.length > 0) write(page.map((e) => `${formatAuditLine(e, query.format)}\n`).join(''));
    written += page.length;
    if (page.length < limit) return written;
    afterId = page[page.length - 1]?.id;
  }
}

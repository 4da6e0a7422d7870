import { describe, expect, it } from 'vitest';
import {
  auditCefLine,
  auditJsonLine,
  cefExtensionEscape,
  cefHeaderEscape,
} from '../../src/audit/audit-format.js';
import { parseTimeBound } from '../../src/audit/time-bound.js';
import type { AuditEntry } from '../../src/store/store.js';

const entry = (over: Partial<AuditEntry> = {}): AuditEntry => ({
  id: '0190000000000001abcdef12',
  at: new Date('2026-11-28T09:15:00.000Z'),
  event: 'completed',
  flowId: 'f_abc',
  userId: 'a0000000-0000-4000-8000-000000000001',
  identifierHash: 'h_1',
  clientAddress: '192.0.2.10',
  detail: {
    purpose: 'reset',
    policy: 'default',
    decoy: false,
    userPrincipalName: 'adele.vance@contoso.example',
  },
  ...over,
});

/** Splits a CEF line the way a SIEM parser does: the header on unescaped pipes, then key=value pairs. */
function parseCef(line: string): { header: string[]; ext: Record<string, string> } {
  const header: string[] = [];
  let field = '';
  let i = 0;
  for (; i < line.length && header.length < 7; i++) {
    const c = line[i];
    if (c === '\\') {
      field += line[++i];
    } else if (c === '|') {
      header.push(field);
      field = '';
    } else field += c;
  }
  const rest = line.slice(i);
  const ext: Record<string, string> = {};
  const keys = [...rest.matchAll(/(?:^| )([A-Za-z0-9]+)=/g)];
  keys.forEach((m, k) => {
    const start = (m.index ?? 0) + m[0].length;
    const end = keys[k + 1]?.index ?? rest.length;
    ext[m[1] ?? ''] = rest
      .slice(start, end)
      .replace(/\\(.)/g, (_all, ch: string) => (ch === 'n' ? '\n' : ch === 'r' ? '\r' : ch));
  });
  return { header, ext };
}

describe('CEF', () => {
  it('escapes the header and the extension as ArcSight specifies', () => {
    expect(cefHeaderEscape('a|b\\c\nd')).toBe('a\\|b\\\\c d');
    expect(cefExtensionEscape('a=b\\c|d\r\ne')).toBe('a\\=b\\\\c|d\\r\\ne');
  });

  it('writes the version, vendor, product, signature, name and severity, then the fields', () => {
    const line = auditCefLine(entry());
    expect(line.startsWith('CEF:0|MyPass|MyPass|1.0|completed|Password reset completed|5|')).toBe(true);
    const { header, ext } = parseCef(line);
    expect(header).toHaveLength(7);
    expect(ext).toMatchObject({
      rt: String(Date.parse('2026-11-28T09:15:00.000Z')),
      externalId: '0190000000000001abcdef12',
      act: 'completed',
      src: '192.0.2.10',
      duid: 'a0000000-0000-4000-8000-000000000001',
      duser: 'adele.vance@contoso.example',
      cs1Label: 'flowId',
      cs1: 'f_abc',
      cs2: 'default',
      cs3: 'reset',
      cn1: '0',
    });
    expect(line).not.toContain('\n');
  });

  it('survives hostile values: a parser gets back exactly what was written', () => {
    const hostile = 'x=1 act=forged|CEF:0|\\\nnext line';
    const line = auditCefLine(entry({ event: 'odd|event', detail: { reason: hostile, detail: hostile } }));
    expect(line).not.toMatch(/[\r\n]/);
    const { header, ext } = parseCef(line);
    expect(header[4]).toBe('odd|event');
    expect(ext['reason']).toBe(hostile);
    expect(ext['cs6']).toBe(hostile);
    expect(ext['act']).toBe('odd|event');
  });

  it('leaves out fields that are absent, with their labels', () => {
    const { ext } = parseCef(auditCefLine(entry({ flowId: null, clientAddress: null, detail: {} })));
    expect(ext).not.toHaveProperty('cs1Label');
    expect(ext).not.toHaveProperty('src');
    expect(ext).not.toHaveProperty('cs2Label');
  });
});

describe('JSON lines', () => {
  it('writes one object per record with ISO time and the detail fields', () => {
    const line = auditJsonLine(entry());
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      id: '0190000000000001abcdef12',
      at: '2026-11-28T09:15:00.000Z',
      event: 'completed',
      flowId: 'f_abc',
      userId: 'a0000000-0000-4000-8000-000000000001',
      identifierHash: 'h_1',
      clientAddress: '192.0.2.10',
      purpose: 'reset',
      policy: 'default',
      decoy: false,
      userPrincipalName: 'adele.vance@contoso.example',
    });
  });
});

describe('--since and --until', () => {
  const now = new Date('2026-11-28T12:00:00Z');
  it('reads RFC 3339 times, dates and durations back from now', () => {
    const at = (v: string) => {
      const r = parseTimeBound(v, now);
      return r.ok ? r.at.toISOString() : r.code;
    };
    expect(at('2026-11-01T00:00:00Z')).toBe('2026-11-01T00:00:00.000Z');
    expect(at('2026-11-01T02:00:00+02:00')).toBe('2026-11-01T00:00:00.000Z');
    expect(at('2026-11-01')).toBe('2026-11-01T00:00:00.000Z');
    expect(at('24h')).toBe('2026-11-27T12:00:00.000Z');
    expect(at('7d')).toBe('2026-11-21T12:00:00.000Z');
    expect(at('90m')).toBe('2026-11-28T10:30:00.000Z');
    expect(at('2w')).toBe('2026-11-14T12:00:00.000Z');
  });
  it('refuses anything else with a stable code', () => {
    for (const v of ['yesterday', '24', '-1d', '2026-13-45T00:00:00Z', '2026-11-01T00:00:00', '1y'])
      expect(parseTimeBound(v, now)).toEqual({ ok: false, code: 'invalid_time' });
  });
});

// Loads the one configuration file (YAML or JSON — YAML is a superset), applies the environment
// overrides of env-overrides.ts, validates with configSchema, and answers a typed ConfigError
// whose entries name file, line and field path, e.g. `mypass.yaml:12: directory.clientId: Invalid UUID`.
// Values are never echoed: a misplaced secret must not reach a terminal or a log.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { envOverrides, type EnvOverride } from './env-overrides.js';
import { isLoopbackHost, loopbackDirectoryAllowed } from './loopback-host.js';
import { configSchema, type MyPassConfig } from './schema.js';

export interface ConfigProblem {
  /** The file, or `env AZURE_CLIENT_ID` when an environment variable supplied the value. */
  file: string;
  line?: number;
  /** Dotted field path, e.g. `directory.clientId`. */
  path: string;
  message: string;
}

export class ConfigError extends Error {
  readonly code = 'config_invalid';
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(formatConfigProblems(problems));
    this.name = 'ConfigError';
  }
}

export type ConfigResult = { ok: true; config: MyPassConfig } | { ok: false; error: ConfigError };

export function formatConfigProblems(problems: readonly ConfigProblem[]): string {
  return problems
    .map(
      (p) => `${p.file}${p.line !== undefined ? `:${p.line}` : ''}: ${p.path || '(top level)'}: ${p.message}`,
    )
    .join('\n');
}

export interface LoadConfigOptions {
  /** Path of the YAML/JSON file; without one the configuration comes from the environment alone. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  overrides?: readonly EnvOverride[];
  /** The schema to validate against; configSchema unless a test narrows it to some sections. */
  schema?: z.ZodType<Pick<MyPassConfig, 'directory'>>;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function setIn(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

function deleteIn(target: Record<string, unknown>, path: readonly string[]): void {
  let node: unknown = target;
  for (const key of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return;
    node = (node as Record<string, unknown>)[key];
  }
  if (node !== null && typeof node === 'object')
    Reflect.deleteProperty(node, path[path.length - 1] as string);
}

function readEnvValue(row: EnvOverride, raw: string): unknown {
  if (row.type === 'key-list') {
    return raw
      .split(',')
      .filter((entry) => entry.trim() !== '')
      .map((entry) => {
        const at = entry.indexOf(':');
        // A malformed entry keeps its text so the schema reports it (never echoing the value).
        if (at < 0) return { id: entry.trim(), secret: '' };
        // `id:secret:YYYY-MM-DD`: an optional creation date after the secret (doctor's key-age check).
        const rest = entry.slice(at + 1).trim();
        const dated = /^(.*):(\d{4}-\d{2}-\d{2})$/.exec(rest);
        return dated
          ? { id: entry.slice(0, at).trim(), secret: (dated[1] ?? '').trim(), createdAt: dated[2] }
          : { id: entry.slice(0, at).trim(), secret: rest };
      });
  }
  if (row.type === 'integer') return /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : raw;
  if (row.type === 'boolean') {
    const v = raw.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    return raw;
  }
  return raw;
}

/** The line of the deepest existing node on `path` (a missing key is reported at its parent's key). */
function lineOf(
  doc: Document | undefined,
  counter: LineCounter,
  path: readonly PropertyKey[],
): number | undefined {
  if (!doc) return undefined;
  const lineAt = (n: unknown): number | undefined => {
    const start = (n as { range?: number[] } | null | undefined)?.range?.[0];
    return start === undefined ? undefined : counter.linePos(start).line;
  };
  let node: unknown = doc.contents;
  let line = lineAt(node);
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
      if (!pair) break;
      line = lineAt(pair.key) ?? line;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key];
      if (item === undefined) break;
      line = lineAt(item) ?? line;
      node = item;
    } else break;
  }
  return line;
}

/** The value at `path` of what was validated (zod 4 leaves `issue.input` out of its issues). */
function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function issueMessage(issue: z.core.$ZodIssue, raw: unknown): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_type' && valueAt(raw, issue.path) === undefined) return 'required';
  // A bad key of a map (a domain, a letter): the key's own rule says what is wrong.
  if (issue.code === 'invalid_key') return issue.issues[0]?.message ?? issue.message;
  return issue.message;
}

/** Reads, overrides and validates; never throws for bad input (I/O errors become problems too). */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<ConfigResult> {
  const env = options.env ?? process.env;
  const overrides = options.overrides ?? envOverrides;
  const fileLabel = options.file !== undefined ? basename(options.file) : '(environment)';
  const counter = new LineCounter();
  let doc: Document | undefined;
  let raw: Record<string, unknown> = {};

  if (options.file !== undefined) {
    let text: string;
    try {
      text = await readFile(options.file, 'utf8');
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code ?? 'unreadable';
      return {
        ok: false,
        error: new ConfigError([{ file: fileLabel, path: '', message: `cannot read the file (${reason})` }]),
      };
    }
    doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0) {
      return {
        ok: false,
        error: new ConfigError(
          doc.errors.map((e) => ({
            file: fileLabel,
            line: counter.linePos(e.pos[0]).line,
            path: '',
            message: `${e.code === 'DUPLICATE_KEY' ? 'duplicate key' : 'not valid YAML/JSON'} (${e.code})`,
          })),
        ),
      };
    }
    const value = doc.toJS({ maxAliasCount: 50 }) as Json;
    if (value !== null && (typeof value !== 'object' || Array.isArray(value))) {
      return {
        ok: false,
        error: new ConfigError([
          { file: fileLabel, line: 1, path: '', message: 'must be a mapping of sections' },
        ]),
      };
    }
    raw = (value ?? {}) as Record<string, unknown>;
  }

  // Which top-level path each environment variable supplied, so errors can name the variable.
  const fromEnv = new Map<string, EnvOverride>();
  for (const row of overrides) {
    const value = env[row.env];
    if (value === undefined || value === '') continue;
    for (const replaced of row.replaces ?? []) deleteIn(raw, replaced);
    setIn(raw, row.path, readEnvValue(row, value));
    fromEnv.set(row.path.join('.'), row);
  }

  const parsed = (options.schema ?? configSchema).safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue): ConfigProblem => {
      const path = issue.path.map(String).join('.');
      const row = fromEnv.get(path);
      if (row) return { file: `env ${row.env}`, path, message: issueMessage(issue, raw) };
      const line = lineOf(doc, counter, issue.path);
      return {
        file: fileLabel,
        ...(line !== undefined ? { line } : {}),
        path,
        message: issueMessage(issue, raw),
      };
    });
    return { ok: false, error: new ConfigError(problems) };
  }

  // A narrowed test schema still yields the directory section, which is all that is read below.
  const config = parsed.data as MyPassConfig;
  const demo =
    (raw as { demo?: unknown }).demo === true ||
    (raw as { demo?: { enabled?: unknown } }).demo?.enabled === true;
  if (!loopbackDirectoryAllowed(demo, env)) {
    const problems: ConfigProblem[] = [];
    for (const field of ['authorityHost', 'graphUrl'] as const) {
      if (isLoopbackHost(config.directory[field])) {
        const path = `directory.${field}`;
        const row = fromEnv.get(path);
        const line = row ? undefined : lineOf(doc, counter, ['directory', field]);
        problems.push({
          file: row ? `env ${row.env}` : fileLabel,
          ...(line !== undefined ? { line } : {}),
          path,
          message: 'points at a loopback host (the Entra ID emulator); allowed only with demo: true',
        });
      }
    }
    if (problems.length > 0) return { ok: false, error: new ConfigError(problems) };
  }
  return { ok: true, config };
}

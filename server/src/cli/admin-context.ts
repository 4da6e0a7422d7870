// What the administrator's commands (audit, user purge, licenses, retention) share: the configuration
// and, where needed, the store, opened the way `mypass serve` opens them.
import { parseArgs } from 'node:util';
import { formatConfigProblems, loadConfig } from '../config/load-config.js';
import type { MyPassConfig } from '../config/schema.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import type { CliCommand, CliIo } from './cli-io.js';

/** The configuration, or null after printing why it is not valid (exit code 2). */
export async function loadCommandConfig(
  command: string,
  file: string | undefined,
  io: CliIo,
): Promise<MyPassConfig | null> {
  const loaded = await loadConfig({ ...(file !== undefined ? { file } : {}), env: io.env });
  if (loaded.ok) return loaded.config;
  io.stderr(
    `mypass ${command}: the configuration is not valid\n${formatConfigProblems(loaded.error.problems)}\n`,
  );
  return null;
}

/**
 * For commands whose only options are `--config FILE` and `--help`: the configuration, or the exit
 * code after printing the usage (0 for --help, 2 for a usage or configuration error).
 */
export async function loadConfigFromArgs(
  command: string,
  usage: string,
  args: string[],
  io: CliIo,
): Promise<MyPassConfig | number> {
  const loaded = await loadConfigWithFlag(command, usage, args, io);
  return typeof loaded === 'number' ? loaded : loaded.config;
}

/** As loadConfigFromArgs, with one more boolean option (`--json`, `--dry-run`) and whether it was given. */
export async function loadConfigWithFlag(
  command: string,
  usage: string,
  args: string[],
  io: CliIo,
  flag?: string,
): Promise<{ config: MyPassConfig; flag: boolean } | number> {
  const values = parseCommandArgs(command, usage, args, io, flag !== undefined ? { [flag]: 'boolean' } : {});
  if (typeof values === 'number') return values;
  const config = await loadCommandConfig(command, configFile(values, io), io);
  if (!config) return 2;
  return { config, flag: flag !== undefined && values[flag] === true };
}

export type CommandArgs = Record<string, string | boolean | undefined>;

/**
 * `--config FILE`, `--help` and `extra` (name → type): the values, or the exit code after printing
 * the usage (0 for --help, 2 for an unknown or malformed option).
 */
export function parseCommandArgs(
  command: string,
  usage: string,
  args: string[],
  io: CliIo,
  extra: Readonly<Record<string, 'string' | 'boolean'>> = {},
): CommandArgs | number {
  let values: CommandArgs;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        ...Object.fromEntries(Object.entries(extra).map(([name, type]) => [name, { type }])),
        config: { type: 'string', short: 'c' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }) as { values: CommandArgs });
  } catch (error) {
    io.stderr(`mypass ${command}: ${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  if (values['help'] === true) {
    io.stdout(usage);
    return 0;
  }
  return values;
}

/** The configuration file the arguments name, else $MYPASS_CONFIG. */
export function configFile(values: CommandArgs, io: CliIo): string | undefined {
  return typeof values['config'] === 'string' ? values['config'] : io.env['MYPASS_CONFIG'];
}

/** Opens and migrates the configured store; null after printing a stable reason (exit code 1). */
export async function openCommandStore(
  command: string,
  config: MyPassConfig,
  io: CliIo,
): Promise<Store | null> {
  try {
    const store = await openStore(config.store.url, {
      keys: config.store.codeKeys,
      poolSize: Math.min(config.store.poolSize, 2),
      busyTimeoutMs: config.store.busyTimeoutMs,
    });
    try {
      await store.migrate();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    io.stderr(
      `mypass ${command}: the store cannot be opened (${typeof code === 'string' ? code : 'store_unavailable'})\n`,
    );
    return null;
  }
}

/** Says that the store failed, with its stable code (never the driver's message); exit code 1. */
export function storeFailed(command: string, error: unknown, io: CliIo): number {
  const code = (error as { code?: unknown } | null)?.code;
  io.stderr(
    `mypass ${command}: the store failed (${typeof code === 'string' ? code : 'store_unavailable'})\n`,
  );
  return 1;
}

/** `mypass <name> <subcommand> …`: runs the named subcommand; usage (exit 2) without one. */
export function subcommands(
  name: string,
  usage: string,
  table: Readonly<Record<string, (args: string[], io: CliIo) => Promise<number>>>,
): CliCommand['run'] {
  return async (args, io) => {
    const [sub, ...rest] = args;
    const run = sub !== undefined && Object.hasOwn(table, sub) ? table[sub] : undefined;
    if (run) return run(rest, io);
    if (sub === undefined || sub === '--help' || sub === '-h') {
      (sub === undefined ? io.stderr : io.stdout)(usage);
      return sub === undefined ? 2 : 0;
    }
    io.stderr(`mypass ${name}: unknown subcommand "${sub}"\n\n${usage}`);
    return 2;
  };
}

// What the administrator's commands (audit, user purge, licenses, retention) share: the configuration
// and, where needed, the store, opened the way `mypass serve` opens them.
import { parseArgs } from 'node:util';
import { formatConfigProblems, loadConfig } from '../config/load-config.js';
import type { MyPassConfig } from '../config/schema.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import type { CliIo } from './cli-io.js';

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
  let values: { config?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.stderr(`mypass ${command}: ${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  if (values.help) {
    io.stdout(usage);
    return 0;
  }
  return (await loadCommandConfig(command, values.config ?? io.env['MYPASS_CONFIG'], io)) ?? 2;
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

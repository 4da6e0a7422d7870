// What the administrator's commands (audit, user purge, licenses) share: the configuration and,
// where needed, the store, opened the way `mypass serve` opens them.
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

// The `directory` section pointing at a running emulator, as the tests' configuration.
import type { RunningEmulator } from '@mypass/entra-emulator';
import { directoryConfigSchema, type DirectoryConfig } from '../../src/config/directory-config.js';

export function emulatorDirectoryConfig(
  emu: RunningEmulator,
  overrides: Partial<Record<keyof DirectoryConfig, unknown>> = {},
): DirectoryConfig {
  return directoryConfigSchema.parse({
    tenantId: emu.tenantId,
    clientId: emu.apiApp.clientId,
    clientSecret: emu.apiApp.clientSecret,
    authorityHost: emu.origin,
    graphUrl: emu.origin,
    timeouts: { callMs: 2_000, operationMs: 4_000 },
    ...overrides,
  });
}

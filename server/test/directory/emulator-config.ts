// The `directory` section pointing at a running emulator, as the tests' configuration, and the
// emulator with the real connector to it that the integration tests start once per file.
import { startEmulator, type RunningEmulator } from '@mypass/entra-emulator';
import { directoryConfigSchema, type DirectoryConfig } from '../../src/config/directory-config.js';
import { createEntraDirectory, type EntraDirectory } from '../../src/directory/entra-directory.js';

/** The configuration file's `directory` section, as written, naming a running emulator. */
export function emulatorDirectorySection(emu: RunningEmulator) {
  return {
    tenantId: emu.tenantId,
    clientId: emu.apiApp.clientId,
    clientSecret: emu.apiApp.clientSecret,
    authorityHost: emu.origin,
    graphUrl: emu.origin,
  };
}

export function emulatorDirectoryConfig(
  emu: RunningEmulator,
  overrides: Partial<Record<keyof DirectoryConfig, unknown>> = {},
): DirectoryConfig {
  return directoryConfigSchema.parse({
    ...emulatorDirectorySection(emu),
    timeouts: { callMs: 2_000, operationMs: 4_000 },
    ...overrides,
  });
}

export interface EmulatorDirectory {
  emu: RunningEmulator;
  directory: EntraDirectory;
  /** Closes the connector, then the emulator. */
  close(): Promise<void>;
}

export async function startEmulatorDirectory(): Promise<EmulatorDirectory> {
  const emu = await startEmulator();
  const connector = await createEntraDirectory(emulatorDirectoryConfig(emu));
  if (!connector.ok) {
    await emu.close();
    throw new Error(`connector: ${connector.code}`);
  }
  const directory = connector.value;
  return {
    emu,
    directory,
    async close() {
      await directory.close();
      await emu.close();
    },
  };
}

// The `mypass` subcommands: one table, so the API adds `serve` beside `doctor` without touching
// the dispatcher.
import type { CliCommand, CliIo } from './cli-io.js';
import { auditCommand } from './audit-command.js';
import { brandingCommand } from './branding-command.js';
import { doctorCommand } from './doctor-command.js';
import { keysCommand } from './keys-command.js';
import { licensesCommand } from './licenses-command.js';
import { retentionCommand } from './retention-command.js';
import { serveCommand } from './serve.js';
import { userCommand } from './user-command.js';

export const commands: Record<string, CliCommand> = {
  audit: auditCommand,
  branding: brandingCommand,
  doctor: doctorCommand,
  keys: keysCommand,
  licenses: licensesCommand,
  retention: retentionCommand,
  serve: serveCommand,
  user: userCommand,
};

export function usage(table: Record<string, CliCommand> = commands): string {
  const width = Math.max(...Object.keys(table).map((n) => n.length));
  const lines = Object.entries(table).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `usage: mypass <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nmypass <command> --help describes a command.\n`;
}

/** Dispatches argv (without node and the script) to a command; resolves to the exit code. */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  table: Record<string, CliCommand> = commands,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(usage(table));
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(table, name) ? table[name] : undefined;
  if (!command) {
    io.stderr(`mypass: unknown command "${name}"\n\n${usage(table)}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    // A command's bug must not print a stack trace that might hold configuration values.
    io.stderr(`mypass ${name}: unexpected error (${(error as Error).name})\n`);
    return 70;
  }
}

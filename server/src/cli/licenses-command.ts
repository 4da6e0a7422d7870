// `mypass licenses [--config FILE]`: seats used (users of the licensed groups, counted through
// Graph) and available. Over-allocation is reported, never enforced.
import { createEntraConnection } from '../directory/entra-connection.js';
import { countLicensedUsers, overAllocated, seatCount } from '../policy/licensing.js';
import { loadConfigFromArgs } from './admin-context.js';
import type { CliCommand, CliIo } from './cli-io.js';

const USAGE = `usage: mypass licenses [--config FILE]

Counts the seats MyPass uses: the users of the licensed groups (access.licensedGroups), through
nested groups, each once, guests not counted; and compares them with the seats bought
(access.seats). Using more seats than bought is reported here, in the log, the metrics and doctor;
it never refuses anyone.

  -c, --config FILE   configuration file; default $MYPASS_CONFIG, else environment only
  -h, --help          this text

Exit code: 0 counted, 1 the directory could not be read, 2 configuration or usage error.
`;

export async function licenses(args: string[], io: CliIo): Promise<number> {
  const config = await loadConfigFromArgs('licenses', USAGE, args, io);
  if (typeof config === 'number') return config;
  const { licensedGroups, seats } = config.access;
  if (licensedGroups.length === 0) {
    io.stdout(
      `No licensed groups are configured (access.licensedGroups): every user may use MyPass and no seats are counted.\n`,
    );
    return 0;
  }
  const connection = await createEntraConnection(config.directory);
  if (!connection.ok) {
    io.stderr(`mypass licenses: the directory connector could not start (${connection.code})\n`);
    return 1;
  }
  try {
    const counted = await countLicensedUsers(connection.value, licensedGroups);
    if (!counted.ok) {
      io.stderr(
        `mypass licenses: the licensed groups could not be read (${counted.upstreamCode ?? counted.code})\n`,
      );
      return 1;
    }
    const count = seatCount(counted.value, seats);
    const lines = ['Licensed groups'];
    for (const g of count.perGroup) lines.push(`  ${g.id}  ${g.users} user${g.users === 1 ? '' : 's'}`);
    lines.push(`Seats used       ${count.used}`);
    if (count.total === null) {
      lines.push('Seats bought     not configured (access.seats)');
    } else {
      lines.push(`Seats bought     ${count.total}`);
      lines.push(`Seats available  ${Math.max(0, count.available ?? 0)}`);
      if (overAllocated(count)) {
        lines.push(
          `WARNING: ${-(count.available ?? 0)} more users than seats. Nobody is refused; buy seats or narrow the licensed groups.`,
        );
      }
    }
    io.stdout(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await connection.value.close();
  }
}

export const licensesCommand: CliCommand = {
  summary: 'count the seats the licensed groups use against the seats bought',
  usage: USAGE,
  run: licenses,
};

// `mypass serve [--config FILE]`: runs the API until SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { serve } from '../main.js';
import type { CliCommand } from './cli-io.js';

const USAGE = `usage: mypass serve [--config FILE]

Runs the MyPass API: loads the configuration, migrates the store, connects to Entra ID, starts the
outbox worker and listens until SIGINT or SIGTERM.

  -c, --config FILE   configuration file (YAML or JSON); default $MYPASS_CONFIG, else environment only
  -h, --help          this text

Exit code: 0 after a clean stop, 1 when the server could not start, 2 on a configuration or usage error.
`;

export const serveCommand: CliCommand = {
  summary: 'run the API',
  usage: USAGE,
  async run(args, io) {
    let values: { config?: string | undefined; help?: boolean | undefined };
    try {
      ({ values } = parseArgs({
        args,
        options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
      }));
    } catch {
      io.stderr(USAGE);
      return 2;
    }
    if (values.help) {
      io.stdout(USAGE);
      return 0;
    }
    return serve(values.config ?? io.env['MYPASS_CONFIG'], io);
  },
};

// What the connector and `mypass doctor` share: one dispatcher, one msal pair, one Graph client,
// and the rule that every operation runs under a time cap and ends in a value, never a throw.
import type { Client, GraphRequest } from '@microsoft/microsoft-graph-client';
import type { DirectoryConfig } from '../config/directory-config.js';
import type { DirectoryFailure, DirectoryResult } from './directory.js';
import { createGraphClient, retryWithin } from './graph-client.js';
import { toDirectoryFailure } from './graph-errors.js';
import { createMsalCredentials, CredentialFileError, type MsalCredentials } from './msal-credentials.js';
import { OperationDeadline, OperationDeadlineError } from './operation-deadline.js';
import { createOutboundDispatcher, type DirectoryHttp } from './outbound-proxy.js';

export class EntraConnection {
  constructor(
    readonly config: DirectoryConfig,
    readonly http: DirectoryHttp,
    readonly credentials: MsalCredentials,
    readonly graph: Client,
  ) {}

  /** A Graph request bound to the operation's deadline and its Retry-After budget. */
  api(path: string, deadline: OperationDeadline, options?: { retryGatewayTimeout: boolean }): GraphRequest {
    return this.graph
      .api(path)
      .option('signal', deadline.signal)
      .middlewareOptions([retryWithin(deadline, options)]);
  }

  /**
   * Runs one directory operation under the configured time cap. The app token is obtained first
   * (held in memory in steady state), so token failures surface as msal errors, not as the
   * Graph client's wrapped ones.
   */
  async run<T>(
    operation: (deadline: OperationDeadline) => Promise<DirectoryResult<T>>,
    totalMs?: number,
  ): Promise<DirectoryResult<T>> {
    const deadline = new OperationDeadline(totalMs ?? this.config.timeouts.operationMs);
    try {
      await this.credentials.appToken();
      return await operation(deadline);
    } catch (error) {
      return this.failure(error, deadline);
    } finally {
      deadline.dispose();
    }
  }

  failure(error: unknown, deadline?: OperationDeadline): DirectoryFailure {
    const mapped =
      deadline?.signal.aborted === true
        ? toDirectoryFailure(new OperationDeadlineError(deadline.lastRetryAfter))
        : toDirectoryFailure(error, {
            tokenThrottleSeconds: () => this.credentials.network.throttleSecondsLeft(),
          });
    if (
      mapped.code === 'directory_unavailable' &&
      mapped.retryAfter === undefined &&
      deadline?.lastRetryAfter !== undefined
    ) {
      mapped.retryAfter = deadline.lastRetryAfter;
    }
    return mapped;
  }

  async close(): Promise<void> {
    await this.http.dispatcher.close();
  }
}

export async function createEntraConnection(
  config: DirectoryConfig,
): Promise<DirectoryResult<EntraConnection>> {
  const http: DirectoryHttp = {
    dispatcher: createOutboundDispatcher(config),
    callMs: config.timeouts.callMs,
  };
  let credentials: MsalCredentials;
  try {
    credentials = await createMsalCredentials(config, http);
  } catch (error) {
    await http.dispatcher.close();
    if (error instanceof CredentialFileError)
      return { ok: false, code: 'configuration_error', upstreamCode: error.code };
    return { ok: false, code: 'configuration_error', upstreamCode: 'msal_configuration' };
  }
  const graph = createGraphClient({
    graphUrl: config.graphUrl,
    http,
    accessToken: async () => (await credentials.appToken()).accessToken,
  });
  return { ok: true, value: new EntraConnection(config, http, credentials, graph) };
}

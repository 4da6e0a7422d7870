// What demo mode may and may not do (api.md "Demo only"): plain HTTP on loopback only, never a real
// Microsoft host; and outside demo mode, never the demo delivery providers.
import { isLoopbackHost } from './config/loopback-host.js';
import type { MyPassConfig } from './config/schema.js';

// Public, sovereign and national Microsoft clouds (authority and Graph hosts).
const microsoftHost =
  /(^|\.)(microsoftonline\.(com|us|de)|microsoftonline-p\.com|partner\.microsoftonline\.cn|chinacloudapi\.cn|graph\.microsoft\.(com|us|de)|microsoftgraph\.chinacloudapi\.cn|windows\.net|microsoft\.com)$/i;

export type DemoGuardFailure = {
  code: 'demo_not_loopback' | 'demo_real_microsoft_host' | 'demo_provider_without_demo';
  message: string;
};

export function checkDemoMode(
  config: Pick<MyPassConfig, 'demo' | 'server' | 'directory' | 'delivery'>,
): DemoGuardFailure | null {
  const demoProviders = config.delivery.sms.provider === 'demo' || config.delivery.email.provider === 'demo';
  if (!config.demo) {
    return demoProviders
      ? { code: 'demo_provider_without_demo', message: 'the demo delivery provider needs demo: true' }
      : null;
  }
  if (
    !isLoopbackHost(
      `http://${config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host}/`,
    )
  ) {
    return { code: 'demo_not_loopback', message: 'demo mode listens on a loopback address only (127.0.0.1)' };
  }
  for (const url of [config.directory.authorityHost, config.directory.graphUrl]) {
    let host = '';
    try {
      host = new URL(url).hostname;
    } catch {
      host = url;
    }
    if (microsoftHost.test(host)) {
      return {
        code: 'demo_real_microsoft_host',
        message: `demo mode refuses the real Microsoft host ${host}`,
      };
    }
  }
  return null;
}

// The guard entra.md asks for: msal reports an empty access_token as success. A token endpoint
// that answers exactly that cannot be had from Entra on demand, so a minimal HTTPS authority
// (certificate from the test CA, like the emulator's) plays it; msal-node itself is real.
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { issueServerCertificate } from '@mypass/entra-emulator/ca';
import { loadOrCreateTestCa } from '@mypass/entra-emulator/with-test-ca';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryConfigSchema } from '../../src/config/directory-config.js';
import { createEntraDirectory } from '../../src/directory/entra-directory.js';

const TENANT = '7d3c2b1a-0f9e-4d8c-b7a6-5e4f3d2c1b0a';
let server: Server;
let origin: string;
let tokenRequests = 0;

beforeAll(async () => {
  const cert = issueServerCertificate(loadOrCreateTestCa());
  server = createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
    res.setHeader('content-type', 'application/json');
    const path = new URL(req.url ?? '/', origin).pathname;
    if (path === `/${TENANT}/v2.0/.well-known/openid-configuration`) {
      res.end(
        JSON.stringify({
          issuer: `${origin}/${TENANT}/v2.0`,
          token_endpoint: `${origin}/${TENANT}/oauth2/v2.0/token`,
          authorization_endpoint: `${origin}/${TENANT}/oauth2/v2.0/authorize`,
          end_session_endpoint: `${origin}/${TENANT}/oauth2/v2.0/logout`,
          jwks_uri: `${origin}/${TENANT}/discovery/v2.0/keys`,
        }),
      );
      return;
    }
    if (path === `/${TENANT}/oauth2/v2.0/token`) {
      tokenRequests += 1;
      req.resume();
      res.end(JSON.stringify({ token_type: 'Bearer', expires_in: 3599, access_token: '' }));
      return;
    }
    res.statusCode = 404;
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('app token', () => {
  it('treats an empty access_token as no token: not ready, directory_unavailable', async () => {
    const created = await createEntraDirectory(
      directoryConfigSchema.parse({
        tenantId: TENANT,
        clientId: '3f2e1d0c-9b8a-4766-a554-433221100fed',
        clientSecret: 'irrelevant',
        authorityHost: origin,
        graphUrl: origin,
      }),
    );
    if (!created.ok) throw new Error(created.code);
    try {
      expect(await created.value.isReady()).toBe(false);
      expect(await created.value.lookupUser('adele.vance@contoso.example')).toEqual({
        ok: false,
        code: 'directory_unavailable',
        upstreamCode: 'empty_access_token',
      });
      expect(tokenRequests).toBeGreaterThanOrEqual(1);
    } finally {
      await created.value.close();
    }
  });
});

import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contentSha256, signAcsRequest } from '../../src/delivery/acs-hmac-signer.js';

describe('Azure Communication Services HMAC signer', () => {
  // Microsoft's published vector for access-key signing: key "pw==", the date below, an empty
  // body, host example.com. The scheme is the one described in "Sign an HTTP request with HMAC"
  // (https://learn.microsoft.com/azure/communication-services/tutorials/hmac-header-tutorial);
  // the tutorial prints no concrete signature, so the expected values come from Microsoft's own
  // Azure SDK for JavaScript test of the same scheme (Azure/azure-sdk-for-js,
  // sdk/communication/communication-common/test/public/communicationKeyCredentialPolicy.spec.ts).
  const vector = { accessKey: 'pw==', date: new Date('2022-04-13T18:09:12.451Z'), body: '' };

  it('reproduces Microsoft’s example for a path with a query', () => {
    const signed = signAcsRequest({
      ...vector,
      method: 'GET',
      url: new URL('https://example.com/testPath?testQuery=test'),
    });
    expect(signed['x-ms-date']).toBe('Wed, 13 Apr 2022 18:09:12 GMT');
    expect(signed['x-ms-content-sha256']).toBe('47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
    expect(signed.authorization).toBe(
      'HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=DGdgwggJWnQyc6EHjR/Vbqg1ES64KpD6U2XwTDDj3tU=',
    );
  });

  it('reproduces Microsoft’s example for a path without a query', () => {
    const signed = signAcsRequest({ ...vector, method: 'GET', url: new URL('https://example.com/testPath') });
    expect(signed.authorization).toBe(
      'HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=+6tWkg3lNKVjQHHmxkdGQcJjUgzclsWTMebnuCz1ngU=',
    );
  });

  it('signs the string the tutorial describes: verb, path and query, then date;host;content hash', () => {
    const accessKey = Buffer.from('a 32 byte key for the HMAC test!').toString('base64');
    const body = '{"from":"+18005550100","smsRecipients":[{"to":"+4520123456"}],"message":"Hi"}';
    const url = new URL('https://contoso.communication.azure.com:8443/sms?api-version=2021-03-07');
    const date = new Date('2026-11-28T09:00:00Z');
    const signed = signAcsRequest({ method: 'post', url, body, date, accessKey });
    const hash = createHash('sha256').update(body).digest('base64');
    const expected = createHmac('sha256', Buffer.from(accessKey, 'base64'))
      .update(
        `POST\n/sms?api-version=2021-03-07\nSat, 28 Nov 2026 09:00:00 GMT;contoso.communication.azure.com:8443;${hash}`,
      )
      .digest('base64');
    expect(signed['x-ms-content-sha256']).toBe(hash);
    expect(contentSha256(body)).toBe(hash);
    expect(signed.authorization).toBe(
      `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${expected}`,
    );
  });
});

// Azure Communication Services access-key authentication: HMAC-SHA256 over
// "VERB\n<path and query>\n<x-ms-date>;<host>;<x-ms-content-sha256>" with the base64-decoded key,
// sent as `Authorization: HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=…`.
// https://learn.microsoft.com/azure/communication-services/tutorials/hmac-header-tutorial
// https://learn.microsoft.com/rest/api/communication/authentication
import { createHash, createHmac } from 'node:crypto';

export interface AcsSignedHeaders {
  'x-ms-date': string;
  'x-ms-content-sha256': string;
  authorization: string;
}

export interface AcsSignInput {
  method: string;
  url: URL;
  body: string;
  /** The request time; sent as an RFC 1123 date (the service allows a small clock skew). */
  date: Date;
  /** The resource's access key as the portal shows it (base64). */
  accessKey: string;
}

export function contentSha256(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('base64');
}

export function signAcsRequest({ method, url, body, date, accessKey }: AcsSignInput): AcsSignedHeaders {
  const xMsDate = date.toUTCString();
  const hash = contentSha256(body);
  // `host` is the URL's authority: host name plus the port when it is not the scheme's default.
  const stringToSign = `${method.toUpperCase()}\n${url.pathname}${url.search}\n${xMsDate};${url.host};${hash}`;
  const signature = createHmac('sha256', Buffer.from(accessKey, 'base64'))
    .update(stringToSign, 'utf8')
    .digest('base64');
  return {
    'x-ms-date': xMsDate,
    'x-ms-content-sha256': hash,
    authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
  };
}

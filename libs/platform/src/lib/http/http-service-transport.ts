import type { HttpService } from '@nestjs/axios';
import type { AxiosResponse } from 'axios';
import { firstValueFrom } from 'rxjs';
import { decodeResponse, encodeRequest, type HttpTransport } from './http-json-client';

/**
 * The HttpTransport on @nestjs/axios' HttpService (what the design names for the platform clients), with the
 * same contract as the fetch one (http-transport.contract.ts), so error classification does not change:
 * - every HTTP status is an answer (`validateStatus: () => true`), never a thrown AxiosError;
 * - the body is sent and read as raw text (no axios transforms) and parsed once, like `requestJson`;
 * - the policy's AbortSignal ends the request; a cancelled request rejects with the signal's reason (an
 *   AbortError), as fetch does;
 * - a failed request rejects with axios' error, whose `code` is the socket's (ECONNREFUSED, ECONNRESET…),
 *   which `toUpstreamError` reads as for fetch;
 * - no proxy from the environment (`proxy: false`): fetch uses none either.
 */
export function httpServiceTransport(http: HttpService): HttpTransport {
  return async (req) => {
    const { url, headers, body } = encodeRequest(req);
    let res: AxiosResponse<unknown>;
    try {
      res = await firstValueFrom(
        http.request<unknown>({
          url,
          method: req.method,
          headers,
          data: body,
          signal: req.signal,
          responseType: 'text',
          transformRequest: [(data: unknown) => data],
          transformResponse: [(data: unknown) => data],
          validateStatus: () => true,
          proxy: false,
        }),
      );
    } catch (err) {
      if (req.signal?.aborted) throw req.signal.reason ?? abortError();
      throw err;
    }
    const text = typeof res.data === 'string' ? res.data : '';
    return decodeResponse(res.status, toHeaders(res.headers), text);
  };
}

function abortError(): Error {
  return Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
}

/** axios' header object as a Fetch `Headers` (what HttpResponse carries; repeated headers appended). */
function toHeaders(raw: AxiosResponse['headers']): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (value === undefined || value === null) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, String(one));
  }
  return headers;
}

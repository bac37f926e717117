import { HttpRequest, HttpResponse, requestJson } from '@aia/platform';

/** One HTTP exchange; the default is the platform's fetch wrapper. Tests swap it through this token. */
export type ZohoHttpTransport = (req: HttpRequest) => Promise<HttpResponse>;

export const ZOHO_HTTP_TRANSPORT = Symbol('ZOHO_HTTP_TRANSPORT');

export const defaultZohoTransport: ZohoHttpTransport = requestJson;

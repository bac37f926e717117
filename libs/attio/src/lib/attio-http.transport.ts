import { HttpRequest, HttpResponse, requestJson } from '@aia/platform';

/** One HTTP exchange; the default is the platform's fetch wrapper. Tests swap it through this token. */
export type AttioHttpTransport = (req: HttpRequest) => Promise<HttpResponse>;

export const ATTIO_HTTP_TRANSPORT = Symbol('ATTIO_HTTP_TRANSPORT');

export const defaultAttioTransport: AttioHttpTransport = requestJson;

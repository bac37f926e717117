import { HttpService } from '@nestjs/axios';
import type { FactoryProvider } from '@nestjs/common';
import { httpServiceTransport, type HttpTransport } from '@aia/platform';

/** One HTTP exchange with Attio (statuses are answers; only failed requests throw). */
export type AttioHttpTransport = HttpTransport;

export const ATTIO_HTTP_TRANSPORT = Symbol('ATTIO_HTTP_TRANSPORT');

/**
 * The transport provider: @nestjs/axios' HttpService (from HttpModule) behind the platform's transport
 * contract. A factory provider, so tests swap it (`overrideProvider(ATTIO_HTTP_TRANSPORT)`).
 */
export const attioHttpTransportProvider: FactoryProvider<AttioHttpTransport> = {
  provide: ATTIO_HTTP_TRANSPORT,
  inject: [HttpService],
  useFactory: (http: HttpService) => httpServiceTransport(http),
};

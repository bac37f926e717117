import { HttpService } from '@nestjs/axios';
import type { FactoryProvider } from '@nestjs/common';
import { httpServiceTransport, type HttpTransport } from '@aia/platform';

/** One HTTP exchange with Zoho Accounts or Billing (statuses are answers; only failed requests throw). */
export type ZohoHttpTransport = HttpTransport;

export const ZOHO_HTTP_TRANSPORT = Symbol('ZOHO_HTTP_TRANSPORT');

/**
 * The transport provider: @nestjs/axios' HttpService (from HttpModule) behind the platform's transport
 * contract. A factory provider, so tests swap it (`overrideProvider(ZOHO_HTTP_TRANSPORT)`).
 */
export const zohoHttpTransportProvider: FactoryProvider<ZohoHttpTransport> = {
  provide: ZOHO_HTTP_TRANSPORT,
  inject: [HttpService],
  useFactory: (http: HttpService) => httpServiceTransport(http),
};

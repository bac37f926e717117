import { HttpService } from '@nestjs/axios';
import { AxiosError } from 'axios';
import { toUpstreamError } from '../resilience/upstream-error-mapping';
import { httpServiceTransport } from './http-service-transport';
import { describeHttpTransportContract } from './http-transport.contract';

describeHttpTransportContract('httpServiceTransport (@nestjs/axios HttpService)', () =>
  httpServiceTransport(new HttpService()),
);

describe('axios request failures', () => {
  it('are network errors like fetch’s: unavailable, with axios’ code when there is no socket code', () => {
    const failed = new AxiosError('maxContentLength exceeded', 'ERR_BAD_RESPONSE');
    expect(toUpstreamError('zoho', 'plans.get', failed)).toMatchObject({
      kind: 'unavailable',
      upstream: { code: 'ERR_BAD_RESPONSE' },
    });
  });
});

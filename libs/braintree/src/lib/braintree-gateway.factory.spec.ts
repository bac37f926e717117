import { AppConfigModule, loadAppConfig } from '@aia/platform';
import { Test } from '@nestjs/testing';
import * as braintree from 'braintree';
import {
  braintreeEnvironment,
  createBraintreeGateway,
  lazyBraintreeGateway,
} from './braintree-gateway.factory';
import { BraintreeModule } from './braintree.module';
import { BRAINTREE_GATEWAY } from './braintree.tokens';

describe('braintree gateway factory', () => {
  it('maps sandbox and production to the SDK environments', () => {
    expect(braintreeEnvironment({ environment: 'sandbox' })).toBe(braintree.Environment.Sandbox);
    expect(braintreeEnvironment({ environment: 'production' })).toBe(braintree.Environment.Production);
  });

  it('builds a six-argument plain-HTTP environment for the emulator', () => {
    const env = braintreeEnvironment({ environment: 'emulator', gatewayUrl: 'http://127.0.0.1:4030' });
    expect(env).toMatchObject({
      server: '127.0.0.1',
      port: '4030',
      ssl: false,
      graphQLServer: '127.0.0.1',
      graphQLPort: '4030',
    });
    expect(() => braintreeEnvironment({ environment: 'emulator' })).toThrow('gatewayUrl');
  });

  it('sets the SDK socket timeout when asked', () => {
    const gateway = createBraintreeGateway({ ...loadAppConfig({}).braintree }, 1234);
    expect((gateway.config as { timeout: number }).timeout).toBe(1234);
  });

  it('provides BRAINTREE_GATEWAY from AppConfig by default (sandbox mode → emulator on 4030)', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AppConfigModule.forRoot(loadAppConfig({})), BraintreeModule.forRootAsync()],
    }).compile();
    const gateway = moduleRef.get<braintree.BraintreeGateway>(BRAINTREE_GATEWAY);
    expect((gateway.config as { environment: unknown; merchantId: string }).environment).toMatchObject({
      server: '127.0.0.1',
      port: '4030',
      ssl: false,
    });
    expect((gateway.config as { merchantId: string }).merchantId).toBe('sandbox_merchant');
    await moduleRef.close();
  });
});

describe('lazyBraintreeGateway', () => {
  it('builds the gateway once, on first use, and forwards to it', () => {
    const real = createBraintreeGateway({ ...loadAppConfig({}).braintree });
    const create = jest.fn(() => real);
    const lazy = lazyBraintreeGateway(create);
    expect(create).not.toHaveBeenCalled();
    expect(lazy.customer).toBe(real.customer);
    expect(lazy.config).toBe(real.config);
    expect(create).toHaveBeenCalledTimes(1);
  });
});

describe('BraintreeModule start-up', () => {
  it('does not build the gateways while the module boots', async () => {
    // An emulator environment without a URL cannot be built: booting proves nothing was built yet.
    const braintreeConfig = { ...loadAppConfig({}).braintree, gatewayUrl: undefined };
    const moduleRef = await Test.createTestingModule({
      imports: [
        AppConfigModule.forRoot(loadAppConfig({})),
        BraintreeModule.forRootAsync({ useFactory: () => ({ braintree: braintreeConfig }) }),
      ],
    }).compile();
    await moduleRef.init();
    const gateway = moduleRef.get<braintree.BraintreeGateway>(BRAINTREE_GATEWAY);
    expect(() => gateway.customer).toThrow('gatewayUrl');
    await moduleRef.close();
  });
});

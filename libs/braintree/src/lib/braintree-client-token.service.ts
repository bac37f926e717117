import { Inject, Injectable } from '@nestjs/common';
import { UpstreamPolicy } from '@aia/platform';
import type * as braintree from 'braintree';
import { sdkCall } from './braintree-error.classifier';
import { BraintreeOutcome, outcomeFromResult, SdkResult } from './braintree-outcome';
import { BRAINTREE_GATEWAY, BRAINTREE_UPSTREAM_POLICY } from './braintree.tokens';

@Injectable()
export class BraintreeClientTokenService {
  constructor(
    @Inject(BRAINTREE_GATEWAY) private readonly gateway: braintree.BraintreeGateway,
    @Inject(BRAINTREE_UPSTREAM_POLICY) private readonly policy: UpstreamPolicy,
  ) {}

  /** A client token for the browser SDK; generating another one is harmless, so it is retried freely. */
  generate(
    input: { customerId?: string; merchantAccountId?: string } = {},
  ): Promise<BraintreeOutcome<string>> {
    return this.policy.write(
      'clientToken.generate',
      () =>
        sdkCall('clientToken.generate', async () => {
          const result = (await this.gateway.clientToken.generate({
            customerId: input.customerId,
            merchantAccountId: input.merchantAccountId,
          })) as unknown as SdkResult & { clientToken?: string };
          return outcomeFromResult(result, (r) => (r as typeof result).clientToken as string);
        }),
      { kind: 'idempotent' },
    );
  }
}

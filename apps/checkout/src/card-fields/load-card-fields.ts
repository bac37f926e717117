import type { CardFieldsKind, CheckoutSessionView } from '@aia/contracts';
import { THREE_D_SECURE_ALWAYS } from '../config';
import type { CardFields } from './card-fields';

// Each adapter module is imported on demand, so the Braintree SDK is fetched only by a Braintree session
// and the sandbox code never by a production one.
const adapterModules = {
  sandbox: () => import('./sandbox-card-fields.adapter'),
  braintree: () => import('./braintree-hosted-fields.adapter'),
};

/** Starts fetching the adapter as soon as the session names it, so the download overlaps the form's render. */
export function preloadCardFields(kind: CardFieldsKind): void {
  adapterModules[kind]().catch(() => undefined); // a failure shows when loadCardFields imports it again
}

/** The adapter the API asked for, not yet mounted. */
export async function loadCardFields(
  session: CheckoutSessionView,
  getClientToken: () => Promise<string>,
): Promise<CardFields> {
  if (session.cardFields === 'sandbox') {
    const { createSandboxCardFields } = await adapterModules.sandbox();
    return createSandboxCardFields({ tokenizeUrl: session.sandbox?.tokenizeUrl ?? '' });
  }
  const { createBraintreeHostedFields } = await adapterModules.braintree();
  return createBraintreeHostedFields({
    getClientToken,
    threeDSecure: session.threeDSecure.required ? 'required' : THREE_D_SECURE_ALWAYS ? 'attempt' : 'off',
  });
}

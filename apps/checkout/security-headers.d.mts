/** Types of security-headers.mjs (plain JavaScript, so the API's specs can run it in a bare Node process). */
export interface CheckoutHeaderOptions {
  /** The API the page calls (VITE_API_URL). */
  apiUrl: string;
  /** Braintree's hosts (default production). */
  braintreeEnvironment?: 'production' | 'sandbox';
  /** 3-D Secure may run (CHECKOUT_3DS=required or VITE_THREE_D_SECURE=always). */
  threeDSecure?: boolean;
  /** Where the sandbox card fields tokenize (the Braintree emulator). */
  sandboxOrigins?: string[];
}

export declare const RENDER_API_URL: string;
export declare const LOOPBACK_ANY_PORT: string[];
export declare function checkoutContentSecurityPolicy(options: CheckoutHeaderOptions): string;
export declare function checkoutSecurityHeaders(options: CheckoutHeaderOptions): Record<string, string>;
export declare function checkoutHeaderOptionsFromEnv(
  env: Record<string, string | undefined>,
): CheckoutHeaderOptions;

import type { ZohoBillingService } from './zoho-billing.service';
import type { ZohoState } from './zoho-state';

export interface ZohoSeedData {
  products?: Array<Record<string, unknown>>;
  plans?: Array<Record<string, unknown>>;
  customers?: Array<Record<string, unknown>>;
}

export const DEFAULT_PRODUCT_ID = '460000000000100';

/** The default catalogue `POST /__sandbox/seed` loads: one product, three plans (prices in USD). */
export const DEFAULT_SEED: Required<Pick<ZohoSeedData, 'products' | 'plans'>> = {
  products: [
    { product_id: DEFAULT_PRODUCT_ID, name: 'Sandbox SaaS', description: 'Default sandbox product' },
  ],
  plans: [
    {
      plan_code: 'basic-monthly',
      name: 'Basic Monthly',
      recurring_price: 29,
      interval: 1,
      interval_unit: 'months',
      product_id: DEFAULT_PRODUCT_ID,
    },
    {
      plan_code: 'pro-monthly',
      name: 'Pro Monthly',
      recurring_price: 99,
      interval: 1,
      interval_unit: 'months',
      product_id: DEFAULT_PRODUCT_ID,
    },
    {
      plan_code: 'pro-yearly',
      name: 'Pro Yearly',
      recurring_price: 990,
      interval: 1,
      interval_unit: 'years',
      product_id: DEFAULT_PRODUCT_ID,
    },
  ],
};

/** Loads products, plans and customers, skipping ones that already exist so seeding twice is harmless. */
export function seedZoho(
  billing: ZohoBillingService,
  state: ZohoState,
  data: ZohoSeedData = DEFAULT_SEED,
): { products: number; plans: number; customers: number } {
  const counts = { products: 0, plans: 0, customers: 0 };
  for (const p of data.products ?? []) {
    if (typeof p['product_id'] === 'string' && state.products.has(p['product_id'])) continue;
    billing.createProduct(p);
    counts.products++;
  }
  for (const p of data.plans ?? []) {
    if (typeof p['plan_code'] === 'string' && state.plans.has(p['plan_code'])) continue;
    billing.createPlan(p);
    counts.plans++;
  }
  for (const c of data.customers ?? []) {
    if (typeof c['display_name'] === 'string' && state.customersByName.has(c['display_name'].toLowerCase()))
      continue;
    billing.createCustomer(c);
    counts.customers++;
  }
  return counts;
}

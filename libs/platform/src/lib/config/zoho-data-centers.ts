/**
 * Zoho data centers: accounts host for OAuth and API host for Billing.
 * Sources: https://www.zoho.com/subscriptions/api/ (com, eu, in, com.au, jp);
 * Canada: accounts.zohocloud.ca (https://zstatic.zohostatic.com/billing/api/v1/oauth/), www.zohoapis.ca (3P).
 * sa and com.cn are UNCONFIRMED (see docs/sandbox.md); set ZOHO_ACCOUNTS_URL / ZOHO_API_URL to override.
 */
export const ZOHO_DATA_CENTERS = {
  com: { accounts: 'https://accounts.zoho.com', api: 'https://www.zohoapis.com' },
  eu: { accounts: 'https://accounts.zoho.eu', api: 'https://www.zohoapis.eu' },
  in: { accounts: 'https://accounts.zoho.in', api: 'https://www.zohoapis.in' },
  'com.au': { accounts: 'https://accounts.zoho.com.au', api: 'https://www.zohoapis.com.au' },
  jp: { accounts: 'https://accounts.zoho.jp', api: 'https://www.zohoapis.jp' },
  ca: { accounts: 'https://accounts.zohocloud.ca', api: 'https://www.zohoapis.ca' },
  sa: { accounts: 'https://accounts.zoho.sa', api: 'https://www.zohoapis.sa' },
  'com.cn': { accounts: 'https://accounts.zoho.com.cn', api: 'https://www.zohoapis.com.cn' },
} as const;

export type ZohoDataCenter = keyof typeof ZOHO_DATA_CENTERS;
export const ZOHO_BILLING_PATH = '/billing/v1';

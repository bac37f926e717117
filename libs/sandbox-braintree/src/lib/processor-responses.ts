/**
 * Braintree authorization response codes the emulator can produce, with their documented text and whether
 * Braintree calls the decline soft (retry may succeed) or hard. The SDK exposes these as
 * `processorResponseCode`, `processorResponseText` and `processorResponseType`
 * ('approved' | 'soft_declined' | 'hard_declined', @types/braintree TransactionProcessorResponseType).
 * Source: https://developer.paypal.com/braintree/docs/reference/general/processor-responses/authorization-responses
 * (codes, texts); soft/hard per code from the same list as mirrored in
 * https://raw.githubusercontent.com/api-evangelist/braintree/refs/heads/main/errors/braintree-decline-codes.yml [3P].
 * Only card-relevant codes are listed; any other 2000–2999 code answers "Processor Declined" (soft), as the
 * docs describe for 2109–2999.
 */
export type DeclineType = 'soft' | 'hard';

export interface ProcessorResponse {
  code: string;
  text: string;
  type: 'approved' | 'soft_declined' | 'hard_declined';
}

const DECLINES: Record<string, [string, DeclineType]> = {
  '2000': ['Do Not Honor', 'soft'],
  '2001': ['Insufficient Funds', 'soft'],
  '2002': ['Limit Exceeded', 'soft'],
  '2003': ["Cardholder's Activity Limit Exceeded", 'soft'],
  '2004': ['Expired Card', 'hard'],
  '2005': ['Invalid Credit Card Number', 'hard'],
  '2006': ['Invalid Expiration Date', 'hard'],
  '2007': ['No Account', 'hard'],
  '2008': ['Card Account Length Error', 'hard'],
  '2009': ['No Such Issuer', 'hard'],
  '2010': ['Card Issuer Declined CVV', 'hard'],
  '2011': ['Voice Authorization Required', 'hard'],
  '2012': ['Processor Declined - Possible Lost Card', 'hard'],
  '2013': ['Processor Declined - Possible Stolen Card', 'hard'],
  '2014': ['Processor Declined - Fraud Suspected', 'hard'],
  '2015': ['Transaction Not Allowed', 'hard'],
  '2016': ['Duplicate Transaction', 'soft'],
  '2017': ['Cardholder Stopped Billing', 'hard'],
  '2018': ['Cardholder Stopped All Billing', 'hard'],
  '2019': ['Invalid Transaction', 'hard'],
  '2020': ['Violation', 'hard'],
  '2021': ['Security Violation', 'hard'],
  '2022': ['Declined - Updated Cardholder Available', 'hard'],
  '2023': ['Processor Does Not Support This Feature', 'hard'],
  '2024': ['Card Type Not Enabled', 'hard'],
  '2025': ['Set Up Error - Merchant', 'soft'],
  '2026': ['Invalid Merchant ID', 'soft'],
  '2027': ['Set Up Error - Amount', 'hard'],
  '2028': ['Set Up Error - Hierarchy', 'hard'],
  '2029': ['Set Up Error - Card', 'hard'],
  '2030': ['Set Up Error - Terminal', 'hard'],
  '2031': ['Encryption Error', 'hard'],
  '2032': ['Surcharge Not Permitted', 'hard'],
  '2033': ['Inconsistent Data', 'hard'],
  '2034': ['No Action Taken', 'soft'],
  '2035': ['Partial Approval For Amount In Group III Version', 'soft'],
  '2036': ['Authorization could not be found', 'hard'],
  '2037': ['Already Reversed', 'hard'],
  '2038': ['Processor Declined', 'soft'],
  '2039': ['Invalid Authorization Code', 'hard'],
  '2040': ['Invalid Store', 'soft'],
  '2041': ['Declined - Call For Approval', 'hard'],
  '2042': ['Invalid Client ID', 'soft'],
  '2043': ['Error - Do Not Retry, Call Issuer', 'hard'],
  '2044': ['Declined - Call Issuer', 'hard'],
  '2045': ['Invalid Merchant Number', 'hard'],
  '2046': ['Declined', 'soft'],
  '2047': ['Call Issuer. Pick Up Card', 'hard'],
  '2048': ['Invalid Amount', 'soft'],
  '2049': ['Invalid SKU Number', 'hard'],
  '2050': ['Invalid Credit Plan', 'hard'],
  '2051': ['Credit Card Number does not match method of payment', 'hard'],
  '2053': ['Card reported as lost or stolen', 'hard'],
  '2054': ['Reversal amount does not match authorization amount', 'hard'],
  '2057': ['Issuer or Cardholder has put a restriction on the card', 'soft'],
  '2059': ['Address Verification Failed', 'hard'],
  '2060': ['Address Verification and Card Security Code Failed', 'hard'],
  '2061': ['Invalid Transaction Data', 'hard'],
  '2062': ['Invalid Tax Amount', 'soft'],
  '2064': ['Invalid Currency Code', 'hard'],
  '2099': ['Cardholder Authentication Required', 'soft'],
  '2101': ['Additional authorization required', 'soft'],
  '2102': ['Incorrect PIN', 'soft'],
  '2103': ['PIN try exceeded', 'soft'],
  '2104': ['Offline Issuer Declined', 'soft'],
  '2105': ['Cannot Authorize at this time (Life cycle)', 'soft'],
  '2106': ['Cannot Authorize at this time (Policy)', 'soft'],
  '2107': ['Card Not Activated', 'hard'],
  '2108': ['Closed Card', 'hard'],
};

export const APPROVED: ProcessorResponse = { code: '1000', text: 'Approved', type: 'approved' };

/** "3000.00 - 3000.99: Failed with a 3000 processor response" (testing page); soft per the decline list. */
export const NETWORK_UNAVAILABLE: ProcessorResponse = {
  code: '3000',
  text: 'Processor Network Unavailable - Try Again',
  type: 'soft_declined',
};

export function declineResponse(code: string): ProcessorResponse {
  const known = DECLINES[code];
  const [text, type] = known ?? ['Processor Declined', 'soft'];
  return { code, text, type: type === 'soft' ? 'soft_declined' : 'hard_declined' };
}

export function knownDeclineCodes(): string[] {
  return Object.keys(DECLINES);
}

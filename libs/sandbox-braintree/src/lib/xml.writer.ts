/**
 * Builds the XML the Braintree gateway answers with. The SDK parses it with xml2js and
 * `Util.convertNodeToObject` (braintree/lib/braintree/util.js): `type="integer|boolean|array|collection"`
 * and `nil="true"` are honoured, every other attribute hides the element's children, and kebab-case tags
 * become camelCase. So: attributes only on leaves or on arrays/collections, tags always kebab-case.
 */

export class XmlDateTime {
  constructor(readonly iso: string) {}
}

export class XmlDate {
  constructor(readonly day: string) {}
}

/** `<tag type="array"><item-tag>…</item-tag>…</tag>` */
export class XmlArray {
  constructor(
    readonly itemTag: string,
    readonly items: XmlValue[],
  ) {}
}

/** `<tag type="collection">…</tag>`: children kept as keys (used by paged search results). */
export class XmlCollection {
  constructor(readonly children: Array<[string, XmlValue]>) {}
}

export type XmlValue =
  string | number | boolean | null | undefined | XmlDateTime | XmlDate | XmlArray | XmlCollection | XmlObject;

export interface XmlObject {
  [tag: string]: XmlValue;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

export function xmlElement(tag: string, value: XmlValue): string {
  if (value === null || value === undefined) return `<${tag} nil="true"/>`;
  if (typeof value === 'string') return `<${tag}>${escapeXml(value)}</${tag}>`;
  if (typeof value === 'boolean') return `<${tag} type="boolean">${value}</${tag}>`;
  if (typeof value === 'number') {
    return Number.isInteger(value) ? `<${tag} type="integer">${value}</${tag}>` : `<${tag}>${value}</${tag}>`;
  }
  if (value instanceof XmlDateTime) return `<${tag} type="datetime">${value.iso}</${tag}>`;
  if (value instanceof XmlDate) return `<${tag} type="date">${value.day}</${tag}>`;
  if (value instanceof XmlArray) {
    if (value.items.length === 0) return `<${tag} type="array"/>`;
    return `<${tag} type="array">${value.items.map((i) => xmlElement(value.itemTag, i)).join('')}</${tag}>`;
  }
  if (value instanceof XmlCollection) {
    return `<${tag} type="collection">${value.children.map(([k, v]) => xmlElement(k, v)).join('')}</${tag}>`;
  }
  let inner = '';
  for (const key of Object.keys(value)) inner += xmlElement(key, value[key]);
  return `<${tag}>${inner}</${tag}>`;
}

export function xmlDocument(rootTag: string, value: XmlValue): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${xmlElement(rootTag, value)}\n`;
}

/** Braintree writes timestamps as `2014-03-01T12:00:00Z` (no milliseconds). */
export function xmlTime(date: Date): XmlDateTime {
  return new XmlDateTime(date.toISOString().replace(/\.\d{3}Z$/, 'Z'));
}

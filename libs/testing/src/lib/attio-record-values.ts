import type { AttioEmulator } from '@aia/sandbox-attio';

/**
 * A companies record's current values as Attio shows them, from the emulator's state: one string per
 * attribute (select options by title, the active value when there is a history).
 */
export function attioRecordValues(
  attio: AttioEmulator,
  recordId: string,
): Record<string, string | undefined> {
  const rendered = attio.records.render(
    attio.state.record(attio.state.object('companies'), recordId),
  ) as unknown as { values: Record<string, Array<Record<string, unknown>>> };
  const out: Record<string, string | undefined> = {};
  for (const [slug, values] of Object.entries(rendered.values)) {
    const v = values.find((x) => x['active_until'] === null) ?? values[0];
    if (!v) continue;
    const option = v['option'] as { title?: string } | undefined;
    out[slug] = option?.title ?? (v['value'] as string | undefined);
  }
  return out;
}

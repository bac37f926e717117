import { httpUrl, integer, matching, oneOf, parseEnv, text } from './env-fields';

describe('env fields', () => {
  it('treats an empty string as unset, so defaults apply', () => {
    expect(integer(1).default(3000).parse('')).toEqual({ ok: true, value: 3000 });
    expect(text().parse('')).toEqual({ ok: true, value: undefined });
  });

  it('accepts whole numbers in range only', () => {
    const port = integer(1, 65535);
    expect(port.parse('8080')).toEqual({ ok: true, value: 8080 });
    for (const bad of ['eighty', '80.5', '1e3', '0', '70000', '12abc']) {
      expect(port.parse(bad).ok).toBe(false);
    }
  });

  it('accepts only absolute http(s) URLs and names the variable', () => {
    expect(httpUrl('X_URL').parse('https://a.example/v2')).toEqual({
      ok: true,
      value: 'https://a.example/v2',
    });
    expect(httpUrl('X_URL').parse('ftp://a.example')).toEqual({
      ok: false,
      problem: 'X_URL must be an absolute URL (e.g. https://…)',
    });
    expect(httpUrl('X_URL').parse('not a url').ok).toBe(false);
  });

  it('lists the allowed values of an enum', () => {
    expect(oneOf(['a', 'b'] as const).parse('c')).toEqual({
      ok: false,
      problem: 'must be one of a, b (got "c")',
    });
  });

  it('collects every problem instead of stopping at the first', () => {
    const { env, problems } = parseEnv(
      { A: integer(1), B: matching(/^\d+$/, 'digits only'), C: text().default('x') },
      { A: 'no', B: 'abc' },
    );
    expect(problems).toEqual([
      { variable: 'A', problem: 'must be a whole number (got "no")' },
      { variable: 'B', problem: 'digits only' },
    ]);
    expect(env.C).toBe('x');
  });
});

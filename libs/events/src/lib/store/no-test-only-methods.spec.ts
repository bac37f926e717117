// Production classes of this library carry no test-only methods: tests reach what they need through seams
// (a subclass in the spec, an injected hook, SQL triggers, a child process), never `somethingForTest()`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const LIB = join(__dirname, '..');

function productionFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'testing' ? [] : productionFiles(path);
    return /\.ts$/.test(name) && !/(\.spec|\.redis-spec|\.contract|\.harness)\.ts$/.test(name) ? [path] : [];
  });
}

describe('libs/events production code', () => {
  it('has no test-only methods', () => {
    const found: string[] = [];
    for (const file of productionFiles(LIB)) {
      const source = readFileSync(file, 'utf8');
      for (const m of source.matchAll(
        /\b(\w+For(?:Test|Tests|Testing))\s*\(|\/\*\*\s*Test (?:hook|helper|only)/g,
      ))
        found.push(`${relative(LIB, file)}: ${m[0]}`);
    }
    expect(found).toEqual([]);
  });
});

import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

/** Where Zoho's OpenAPI files live (vendored in libs/sandbox-zoho/specs); ZOHO_SPECS_DIR overrides. */
export const DEFAULT_ZOHO_SPECS_DIR = process.env['ZOHO_SPECS_DIR'] || resolve(__dirname, '../../specs');

interface OpenApiOperation {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
interface OpenApiDoc {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, unknown> };
}

export interface ValidationResult {
  valid: boolean;
  /** `file#/components/schemas/name` the body was checked against. */
  schema: string;
  errors: string[];
}

/** Zoho's error envelope: the spec files describe no error bodies, the docs do (`{code, message}`, code ≠ 0). */
const ERROR_ENVELOPE = {
  type: 'object',
  required: ['code', 'message'],
  properties: { code: { type: 'integer', not: { const: 0 } }, message: { type: 'string' } },
};

/**
 * Validates emulator answers against Zoho's own OpenAPI 3.0 files with ajv 8 (`strict:false`). Each file is
 * registered under its name so `#/components/...` references resolve inside that file. OpenAPI's numeric
 * formats (int64, double, float) only annotate; `nullable` is understood by ajv itself.
 */
export class ZohoOpenApiValidator {
  private readonly ajv: Ajv;
  private readonly docs = new Map<string, OpenApiDoc>();
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly routes: Array<{ file: string; template: string; regex: RegExp; params: number }> = [];

  constructor(dir: string = DEFAULT_ZOHO_SPECS_DIR) {
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    for (const f of ['int64', 'int32', 'double', 'float'])
      this.ajv.addFormat(f, { type: 'number', validate: () => true });
    this.ajv.addFormat('binary', () => true);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yml'))) {
      const doc = parse(readFileSync(join(dir, file), 'utf8')) as OpenApiDoc;
      this.docs.set(file, doc);
      this.ajv.addSchema({ components: doc.components ?? {} }, file);
      for (const template of Object.keys(doc.paths)) {
        const regex = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
        this.routes.push({ file, template, regex, params: (template.match(/\{/g) ?? []).length });
      }
    }
    // Literal segments beat parameters: /customers/reference/{id} before /customers/{id}/… forms.
    this.routes.sort((a, b) => a.params - b.params);
  }

  /** The spec's response schema name for an operation and status, if the spec has one. */
  responseSchema(method: string, path: string, status: number): { file: string; ref: string } | undefined {
    const clean = path.split('?')[0].replace(/^\/billing\/v1/, '');
    for (const route of this.routes) {
      if (!route.regex.test(clean)) continue;
      const op = this.docs.get(route.file)?.paths[route.template]?.[method.toLowerCase()];
      if (!op) continue;
      const schema = op.responses?.[String(status)]?.content?.['application/json']?.schema as
        { $ref?: string } | undefined;
      if (schema?.$ref) return { file: route.file, ref: schema.$ref };
    }
    return undefined;
  }

  /** Validates a successful answer against the operation's response schema, or an error against the envelope. */
  validateResponse(method: string, path: string, status: number, body: unknown): ValidationResult {
    if (status >= 400)
      return this.run('error-envelope', this.compile('error-envelope', ERROR_ENVELOPE), body);
    const found = this.responseSchema(method, path, status);
    if (!found)
      return {
        valid: false,
        schema: '(none)',
        errors: [`no response schema for ${method} ${path} ${status}`],
      };
    return this.validateRef(found.file, found.ref, body);
  }

  /** Validates against a named component, e.g. (`payments.yml`, `payment-response`). */
  validateComponent(file: string, name: string, data: unknown): ValidationResult {
    return this.validateRef(file, `#/components/schemas/${name}`, data);
  }

  private validateRef(file: string, ref: string, data: unknown): ValidationResult {
    const key = `${file}${ref}`;
    return this.run(key, this.compile(key, { $ref: key }), data);
  }

  private compile(key: string, schema: object): ValidateFunction {
    let fn = this.compiled.get(key);
    if (!fn) this.compiled.set(key, (fn = this.ajv.compile(schema)));
    return fn;
  }

  private run(schema: string, fn: ValidateFunction, data: unknown): ValidationResult {
    const valid = fn(data) as boolean;
    const errors = (fn.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? ''}`);
    return { valid, schema, errors: valid ? [] : errors };
  }
}

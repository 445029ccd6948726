/**
 * Plausible request values from the server's own OpenAPI document (the routes' zod schemas), so a test can
 * call every route — including routes added later — with bodies and queries that pass validation.
 * Every uuid field gets the id under test (`id`), which is how the isolation test aims each call at the
 * other organisation's rows.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import RandExp from 'randexp';

export type JsonSchema = Record<string, any>;

export interface SampleOptions {
  /** The value of every uuid-formatted field. */
  id: string;
  /**
   * Which optional properties to fill: all (true), none (false), or all but the nullable ones
   * ('without_nullable': those usually clear something, and a null-able title may contradict a role).
   */
  full: boolean | 'without_nullable';
  /** The OpenAPI document ($ref targets). */
  doc: JsonSchema;
}

/** Values people would type, by field name; used when they satisfy the field's pattern. */
const HINTS: Array<[RegExp, unknown]> = [
  [/phone/, '09129990001'],
  [/^code$/, '123456'],
  [/slug/, 'isolation-probe'],
  [/^roles?$/, 'staff'],
  [/scopes?/, 'org.read'],
  [/username/, 'isolation.probe'],
  [/password/, 'isolation-probe-password-1'],
  [/name$/, 'Isolation probe'],
];
/** Tried in order against a field's pattern and length: words, keys, then digit strings of every length (codes). */
const FALLBACKS = [
  'isolation-probe', 'isolation_probe', 'probe', 'Probe 1', '123456', 'org.read', 'a', 'ab1',
  ...Array.from({ length: 16 }, (_, n) => '1234567890123456'.slice(0, n + 1)),
];

function resolve(schema: JsonSchema, doc: JsonSchema): JsonSchema {
  let current = schema;
  for (let depth = 0; current?.$ref && depth < 20; depth++) {
    const path = String(current.$ref).replace(/^#\//, '').split('/');
    current = path.reduce<any>((node, key) => node?.[key], doc) ?? {};
  }
  return current;
}

function fits(value: string, schema: JsonSchema): boolean {
  if (schema.minLength !== undefined && value.length < schema.minLength) return false;
  if (schema.maxLength !== undefined && value.length > schema.maxLength) return false;
  if (schema.pattern && !new RegExp(schema.pattern).test(value)) return false;
  return true;
}

function sampleString(schema: JsonSchema, key: string, options: SampleOptions): string {
  if (schema.format === 'uuid') return options.id;
  if (schema.format === 'date-time') return new Date().toISOString();
  if (schema.format === 'date') return new Date().toISOString().slice(0, 10);
  if (schema.format === 'email') return 'probe@example.com';
  if (schema.format === 'uri' || schema.format === 'url') return 'https://example.com/probe';
  const hinted = HINTS.filter(([pattern]) => pattern.test(key)).map(([, value]) => String(value));
  for (const candidate of [...hinted, ...FALLBACKS]) if (fits(candidate, schema)) return candidate;
  if (schema.pattern) {
    // Any other pattern: the shortest string it matches (deterministic: always the first choice).
    const generator = new RandExp(new RegExp(schema.pattern));
    generator.randInt = (from: number) => from;
    const made = generator.gen();
    if (fits(made, schema)) return made;
  }
  const base = hinted[0] ?? 'isolation-probe';
  return base.padEnd(schema.minLength ?? 0, 'x').slice(0, schema.maxLength ?? base.length + (schema.minLength ?? 0));
}

function sampleNumber(schema: JsonSchema, key: string): number {
  const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? Number(schema.exclusiveMinimum) + 1 : undefined);
  const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? Number(schema.exclusiveMaximum) - 1 : undefined);
  // Lists must show everything they would (offset 0, a generous limit), so a leak cannot hide on page two.
  const wanted = /offset|page/.test(key) ? 0 : /limit/.test(key) ? 500 : 60;
  return Math.min(max ?? wanted, Math.max(min ?? wanted, wanted));
}

function nullable(raw: JsonSchema, doc: JsonSchema): boolean {
  const schema = resolve(raw, doc);
  const union: JsonSchema[] = schema.anyOf ?? schema.oneOf ?? [];
  return schema.nullable === true || (Array.isArray(schema.type) && schema.type.includes('null')) || union.some((s) => resolve(s, doc).type === 'null');
}

export function sample(raw: JsonSchema | undefined, options: SampleOptions, key = ''): unknown {
  if (!raw) return undefined;
  const schema = resolve(raw, options.doc);
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum.find((v: unknown) => v !== null) ?? schema.enum[0];
  const union: JsonSchema[] | undefined = schema.anyOf ?? schema.oneOf;
  if (union) return sample(union.find((s) => resolve(s, options.doc).type !== 'null') ?? union[0], options, key);
  if (schema.allOf) return sample(Object.assign({}, ...schema.allOf.map((s: JsonSchema) => resolve(s, options.doc))), options, key);
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
  switch (type ?? (schema.properties ? 'object' : undefined)) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const required: string[] = schema.required ?? [];
      for (const [name, child] of Object.entries<JsonSchema>(schema.properties ?? {})) {
        if (!required.includes(name) && (!options.full || (options.full === 'without_nullable' && nullable(child, options.doc)))) continue;
        const value = sample(child, options, name);
        if (value !== undefined) out[name] = value;
      }
      return out;
    }
    case 'array': return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => sample(schema.items, options, key));
    case 'string': return sampleString(schema, key, options);
    case 'integer':
    case 'number': return sampleNumber(schema, key);
    case 'boolean': return true;
    case 'null': return null;
    default: return undefined;
  }
}

export interface SampledRequest { path: string; body: unknown }

/** A concrete request for a route (`/api/x/:id` → `/api/x/<id>`), from its OpenAPI operation. */
export function sampleRequest(url: string, method: string, doc: JsonSchema, options: Omit<SampleOptions, 'doc'>): SampledRequest {
  const openapiPath = url.replace(/:(\w+)/g, '{$1}');
  const operation: JsonSchema | undefined = doc.paths?.[openapiPath]?.[method.toLowerCase()];
  const full = { ...options, doc };
  const pathSchemas = new Map<string, JsonSchema>();
  for (const parameter of (operation?.parameters ?? []) as JsonSchema[]) if (parameter.in === 'path') pathSchemas.set(parameter.name, resolve(parameter.schema ?? {}, doc));
  // A path parameter gets the id under test unless its schema cannot hold one (an enum, a locale…).
  const pathValue = (name: string): string => {
    const schema = pathSchemas.get(name) ?? {};
    const takesId = schema.format === 'uuid' || (!schema.enum && (schema.type ?? 'string') === 'string' && fits(options.id, schema));
    return takesId ? options.id : String(sample(schema, full, name) ?? options.id);
  };
  const path = url.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(pathValue(name))).replace(/\*/g, 'probe');
  const query = new URLSearchParams();
  for (const parameter of (operation?.parameters ?? []) as JsonSchema[]) {
    if (parameter.in !== 'query' || (!options.full && !parameter.required)) continue;
    const value = sample(parameter.schema, full, parameter.name);
    if (value !== undefined) query.set(parameter.name, Array.isArray(value) ? value.join(',') : String(value));
  }
  const bodySchema = operation?.requestBody?.content?.['application/json']?.schema;
  const body = bodySchema ? sample(bodySchema, full) : undefined;
  const search = query.toString();
  return { path: search ? `${path}?${search}` : path, body: body ?? (['POST', 'PUT', 'PATCH'].includes(method) ? {} : undefined) };
}

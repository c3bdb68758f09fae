import Ajv from 'ajv';

/**
 * The JSON Schema subset strict structured outputs accept (OpenAI, "Supported schemas"), narrowed
 * to what every describer here can honour: objects list every property in `required` and set
 * `additionalProperties: false`; no `$ref`. Limits keep prompts small and manifests readable.
 */
export const SCHEMA_LIMITS = Object.freeze({ maxDepth: 5, maxProperties: 100, maxEnumValues: 500, maxChars: 15_000 });

const TYPES = new Set(['object', 'array', 'string', 'number', 'integer', 'boolean', 'null']);
const COMMON = new Set(['type', 'description', 'title', 'enum', 'const', 'anyOf']);
const BY_TYPE: Record<string, Set<string>> = {
  object: new Set(['properties', 'required', 'additionalProperties']),
  array: new Set(['items', 'minItems', 'maxItems']),
  string: new Set(['pattern', 'format']),
  number: new Set(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf']),
  integer: new Set(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf']),
  boolean: new Set(),
  null: new Set(),
};
const FORMATS = new Set(['date-time', 'time', 'date', 'duration', 'email', 'hostname', 'ipv4', 'ipv6', 'uuid']);

export class SchemaSubsetError extends Error {
  constructor(readonly problems: string[]) {
    super(`The schema is not usable: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`);
    this.name = 'SchemaSubsetError';
  }
}

type Node = Record<string, unknown>;

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses and checks schema text; returns the schema or throws with every problem, each at its path. */
export function parseStrictSchema(text: string): Record<string, unknown> {
  if (text.length > SCHEMA_LIMITS.maxChars) throw new SchemaSubsetError([`the schema is longer than ${SCHEMA_LIMITS.maxChars} characters`]);
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (err) {
    throw new SchemaSubsetError([`the schema is not valid JSON (${err instanceof Error ? err.message : 'parse error'})`]);
  }
  checkStrictSchema(schema);
  return schema as Record<string, unknown>;
}

export function checkStrictSchema(schema: unknown): void {
  const problems: string[] = [];
  const state = { properties: 0, enumValues: 0 };
  if (!isNode(schema) || schema.type !== 'object') {
    problems.push('/: the top level must be {"type": "object", ...}');
  } else {
    walk(schema, '', 1, problems, state);
  }
  if (state.properties > SCHEMA_LIMITS.maxProperties) problems.push(`/: more than ${SCHEMA_LIMITS.maxProperties} properties in all`);
  if (state.enumValues > SCHEMA_LIMITS.maxEnumValues) problems.push(`/: more than ${SCHEMA_LIMITS.maxEnumValues} enum values in all`);
  if (problems.length === 0) {
    try {
      new Ajv({ strict: false }).compile(schema as object);
    } catch (err) {
      problems.push(`/: ${err instanceof Error ? err.message : 'not a valid JSON Schema'}`);
    }
  }
  if (problems.length) throw new SchemaSubsetError(problems);
}

function walk(node: Node, path: string, depth: number, problems: string[], state: { properties: number; enumValues: number }): void {
  const at = path || '/';
  if (depth > SCHEMA_LIMITS.maxDepth) {
    problems.push(`${at}: nested deeper than ${SCHEMA_LIMITS.maxDepth} levels`);
    return;
  }
  if (Array.isArray(node.anyOf)) {
    node.anyOf.forEach((branch, i) => (isNode(branch) ? walk(branch, `${path}/anyOf/${i}`, depth, problems, state) : problems.push(`${path}/anyOf/${i}: must be a schema`)));
  } else if (node.anyOf !== undefined) {
    problems.push(`${at}: "anyOf" must be a list of schemas`);
  }
  const types = node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];
  if (node.type === undefined && node.anyOf === undefined && node.enum === undefined && node.const === undefined) problems.push(`${at}: every schema needs a "type"`);
  for (const t of types) if (typeof t !== 'string' || !TYPES.has(t)) problems.push(`${at}: unknown type ${JSON.stringify(t)}`);
  const allowed = new Set([...COMMON, ...types.flatMap((t) => [...(BY_TYPE[String(t)] ?? [])])]);
  for (const key of Object.keys(node)) {
    if (!allowed.has(key)) problems.push(`${at}: "${key}" is not supported${key === '$ref' || key === '$defs' ? ' (write the schema out in full)' : types.length ? ` for type ${types.join('/')}` : ''}`);
  }
  if (Array.isArray(node.enum)) state.enumValues += node.enum.length;
  if (typeof node.format === 'string' && !FORMATS.has(node.format)) problems.push(`${at}: format "${node.format}" is not supported`);
  if (types.includes('object')) checkObject(node, path, depth, problems, state);
  if (types.includes('array')) {
    if (!isNode(node.items)) problems.push(`${at}: an array needs "items" with one schema`);
    else walk(node.items, `${path}/items`, depth + 1, problems, state);
  }
}

function checkObject(node: Node, path: string, depth: number, problems: string[], state: { properties: number; enumValues: number }): void {
  const at = path || '/';
  if (node.additionalProperties !== false) problems.push(`${at}: objects must set "additionalProperties": false`);
  if (!isNode(node.properties) || Object.keys(node.properties).length === 0) {
    problems.push(`${at}: an object needs "properties" with at least one property`);
    return;
  }
  const names = Object.keys(node.properties);
  state.properties += names.length;
  const required = Array.isArray(node.required) ? node.required : [];
  const missing = names.filter((name) => !required.includes(name));
  if (missing.length) problems.push(`${at}: every property must be listed in "required"; missing ${missing.map((m) => `"${m}"`).join(', ')} (use a type with "null" for optional values)`);
  const unknown = required.filter((name) => typeof name !== 'string' || !names.includes(name));
  if (unknown.length) problems.push(`${at}: "required" names properties that do not exist: ${unknown.map((u) => JSON.stringify(u)).join(', ')}`);
  for (const name of names) {
    const child = (node.properties as Node)[name];
    if (!isNode(child)) problems.push(`${path}/properties/${name}: must be a schema`);
    else walk(child, `${path}/properties/${name}`, depth + 1, problems, state);
  }
}

import { expect } from 'chai';
import { parseStrictSchema, SchemaSubsetError } from '../../../server/patterns/schema-subset';

function problems(schema: unknown): string[] {
  try {
    parseStrictSchema(typeof schema === 'string' ? schema : JSON.stringify(schema));
  } catch (err) {
    if (err instanceof SchemaSubsetError) return err.problems;
    throw err;
  }
  return [];
}

const product = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'colour', 'price', 'materials', 'size'],
  properties: {
    name: { type: 'string', description: 'Product name' },
    colour: { type: 'string', enum: ['red', 'green', 'blue'] },
    price: { type: ['number', 'null'], minimum: 0 },
    materials: { type: 'array', items: { type: 'string' }, maxItems: 5 },
    size: { type: 'object', additionalProperties: false, required: ['w', 'h'], properties: { w: { type: 'integer' }, h: { type: 'integer' } } },
  },
};

describe('pattern schemas (the strict structured-output subset)', () => {
  it('accepts a schema in the subset', () => {
    expect(problems(product)).to.deep.equal([]);
  });

  it('says when the text is not JSON', () => {
    expect(problems('{"type": "object",')[0]).to.match(/not valid JSON/);
  });

  it('requires an object at the top level', () => {
    expect(problems({ type: 'array', items: { type: 'string' } })[0]).to.match(/top level must be/);
  });

  it('requires every property to be listed in required, naming the missing ones', () => {
    const p = problems({ ...product, required: ['name'] });
    expect(p[0]).to.include('/: every property must be listed in "required"').and.include('"colour"');
  });

  it('requires additionalProperties false on nested objects too, at their path', () => {
    const schema = JSON.parse(JSON.stringify(product));
    delete schema.properties.size.additionalProperties;
    expect(problems(schema)).to.deep.equal(['/properties/size: objects must set "additionalProperties": false']);
  });

  it('refuses keywords outside the subset and unknown formats', () => {
    const p = problems({
      type: 'object', additionalProperties: false, required: ['a', 'b', 'c'],
      properties: { a: { type: 'string', minLength: 3 }, b: { $ref: '#/$defs/x' }, c: { type: 'string', format: 'credit-card' } },
    });
    expect(p.join('\n')).to.include('/properties/a: "minLength" is not supported for type string');
    expect(p.join('\n')).to.include('/properties/b: "$ref" is not supported (write the schema out in full)');
    expect(p.join('\n')).to.include('/properties/c: format "credit-card" is not supported');
  });

  it('limits nesting depth and the number of properties', () => {
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 6; i++) deep = { type: 'object', additionalProperties: false, required: ['x'], properties: { x: deep } };
    expect(problems(deep).join('\n')).to.match(/nested deeper than 5 levels/);
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`p${i}`, { type: 'string' }]));
    expect(problems({ type: 'object', additionalProperties: false, required: Object.keys(many), properties: many }).join('\n')).to.match(/more than 100 properties/);
  });

  it('refuses a schema longer than the size limit', () => {
    expect(problems(' '.repeat(15_001))[0]).to.match(/longer than 15000 characters/);
  });

  it('checks arrays have one item schema', () => {
    expect(problems({ type: 'object', additionalProperties: false, required: ['t'], properties: { t: { type: 'array' } } })[0]).to.match(/\/properties\/t: an array needs "items"/);
  });
});

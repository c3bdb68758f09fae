import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import sharp from 'sharp';
import { startFakeOpenAI, FakeOpenAI } from '../helpers/fake-openai';
import { OpenAIDescriber, createOpenAIDescriber } from '../../server/describers/openai';
import { loadConfig } from '../../server/config';
import { PROMPT_VERSION } from '../../server/describers/prompt';
import { DEFAULT_DESCRIBE_OPTIONS, DescriberError, type DescribeInput, type DescribeOptions } from '../../server/describers/types';

async function workingCopy(): Promise<DescribeInput> {
  const image = await sharp({ create: { width: 32, height: 24, channels: 3, background: '#c33' } }).jpeg().toBuffer();
  return { image, mimeType: 'image/jpeg', width: 32, height: 24, originalName: 'Holiday Pic.PNG', embedded: {} };
}

function options(extra: Partial<DescribeOptions> = {}): DescribeOptions {
  return { ...DEFAULT_DESCRIBE_OPTIONS, ...extra };
}

async function describeError(promise: Promise<unknown>): Promise<DescriberError> {
  try {
    await promise;
  } catch (err) {
    expect(err).to.be.instanceOf(DescriberError);
    return err as DescriberError;
  }
  throw new Error('expected the describer to fail');
}

describe('OpenAI-compatible describer', () => {
  let fake: FakeOpenAI;
  let input: DescribeInput;
  const make = (timeoutMs = 5000) => new OpenAIDescriber({ baseUrl: fake.baseUrl, model: 'vision-test', timeoutMs, apiKey: 'sk-test' });

  before(async () => {
    fake = await startFakeOpenAI();
    input = await workingCopy();
  });
  after(async () => fake.close());
  afterEach(() => fake.reset());

  it('sends the working copy as a data URL and asks for strict structured output', async () => {
    const result = await make().describe(input, options());
    const req = fake.requests[0];
    expect(req.responseFormat).to.equal('json_schema');
    expect(req.body.response_format?.json_schema?.strict).to.equal(true);
    expect(req.images).to.have.length(1);
    expect(req.images[0].mimeType).to.equal('image/jpeg');
    expect(req.images[0].bytes.equals(input.image)).to.equal(true);
    expect(req.headers.authorization).to.equal('Bearer sk-test');
    expect(req.text).to.match(/Never start with "Image of"/);
    expect(result.alt_text).to.equal('Red bicycle leaning against a brick wall on a sunny street');
    expect(result.filename).to.equal('red-bicycle-brick-wall.png');
    expect(result.provenance).to.include({ describer: 'openai', model: 'vision-test', promptVersion: PROMPT_VERSION, inputTokens: 850, outputTokens: 120 });
    expect(result.provenance.durationMs).to.be.a('number');
  });

  it('falls back to JSON mode when the server refuses json_schema, and remembers it', async () => {
    fake.refuseJsonSchema = true;
    const describer = make();
    const first = await describer.describe(input, options());
    expect(first.alt_text).to.have.length.greaterThan(0);
    expect(fake.requests.map((r) => r.responseFormat)).to.deep.equal(['json_schema', 'json_object']);
    expect(fake.requests[1].text).to.contain('"alt_text"');
    await describer.describe(input, options());
    expect(fake.requests.map((r) => r.responseFormat)).to.deep.equal(['json_schema', 'json_object', 'json_object']);
  });

  it('fails retryably when the answer is not JSON or has the wrong shape', async () => {
    fake.script({ kind: 'malformed-content' }, { kind: 'content', content: JSON.stringify({ alt_text: 42 }) });
    const notJson = await describeError(make().describe(input, options()));
    expect(notJson.retryable).to.equal(true);
    const wrongShape = await describeError(make().describe(input, options()));
    expect(wrongShape.retryable).to.equal(true);
    expect(wrongShape.message).to.contain('alt_text');
  });

  it('keeps HTML in the model output as plain text', async () => {
    const payload = '<img src=x onerror="alert(1)"> & <script>alert(2)</script>';
    const result = await make().describe(input, options({ instructions: payload, altTextLength: 200 }));
    expect(result.alt_text).to.equal(payload);
  });

  it('caps the alt text at a word boundary and limits tags and fields', async () => {
    const long = 'A very long sentence about a red bicycle that keeps going '.repeat(10);
    fake.answer = () => ({
      alt_text: long,
      caption: 'c'.repeat(5000),
      title: 't',
      description: 'd',
      tags: Array.from({ length: 30 }, (_, i) => `Tag${i}`),
      filename: 'Straße Café.JPG',
      text: '',
      decorative: false,
    });
    const result = await make().describe(input, options({ altTextLength: 60, tagCount: 5 }));
    expect(result.alt_text.length).to.be.at.most(60);
    expect(long.startsWith(result.alt_text)).to.equal(true);
    expect(long[result.alt_text.length]).to.equal(' ');
    expect(result.caption).to.have.length(500);
    expect(result.tags).to.deep.equal(['tag0', 'tag1', 'tag2', 'tag3', 'tag4']);
    expect(result.filename).to.equal('strasse-cafe.png');
  });

  it('passes the language, context and style to the model', async () => {
    const result = await make().describe(input, options({ language: 'de', style: 'product', context: { brand: 'Velo', title: 'Stadträder' } }));
    const text = fake.requests[0].text;
    expect(text).to.contain('Output language: de (German)');
    expect(text).to.contain('Brand: Velo');
    expect(text).to.contain('Page title or topic where the image appears: Stadträder');
    expect(text).to.contain('Style: product');
    expect(result.caption).to.contain('(de)');
  });

  it('tells the model the image\'s purpose, its link and the text beside it', async () => {
    await make().describe(input, options({ purpose: 'linked', linkTarget: 'https://example.com/pricing', surroundingText: 'Plans start at 9 euros a month.' }));
    const text = fake.requests[0].text;
    expect(text).to.contain('Purpose: the image is the only content of a link to: https://example.com/pricing.');
    expect(text).to.contain('Text next to the image on its page: "Plans start at 9 euros a month."');
    fake.reset();
    await make().describe(input, options({ purpose: 'complex' }));
    expect(fake.requests[0].text).to.contain('description carries all of its data');
  });

  it('asks for a manifest that fits a pattern and validates it', async () => {
    const pattern = {
      id: 'p1',
      version: 1,
      name: 'Product card',
      instructions: 'Fill the product card.',
      schema: { type: 'object', additionalProperties: false, required: ['color', 'count'], properties: { color: { type: 'string' }, count: { type: 'integer', minimum: 2 } } },
    };
    const result = await make().describe(input, options({ pattern }));
    expect(result.manifest).to.deep.equal({ color: 'sample', count: 2 });
    const sent = fake.requests[0].body.response_format?.json_schema?.schema as { required: string[] };
    expect(sent.required).to.include('manifest');

    fake.answer = () => ({ alt_text: 'x', manifest: { color: 'red', count: 1 } });
    const err = await describeError(make().describe(input, options({ pattern: { ...pattern, version: 2 } })));
    expect(err.message).to.contain('does not fit the pattern');
  });

  it('maps 429 with Retry-After to a retryable error carrying the delay, with one request only', async () => {
    fake.script({ kind: 'rate-limit', retryAfter: '7' });
    const err = await describeError(make().describe(input, options()));
    expect(err).to.include({ retryable: true, retryAfterMs: 7000 });
    expect(fake.requests).to.have.length(1);
  });

  it('treats 5xx and malformed bodies as retryable', async () => {
    fake.script({ kind: 'server-error', status: 503 }, { kind: 'malformed-body' });
    expect((await describeError(make().describe(input, options()))).retryable).to.equal(true);
    expect((await describeError(make().describe(input, options()))).retryable).to.equal(true);
    expect(fake.requests).to.have.length(2);
  });

  it('does not retry a 400 refusal of the image, nor a rejected key', async () => {
    fake.script({ kind: 'error', status: 400, message: 'Invalid image data' }, { kind: 'error', status: 401 });
    const refused = await describeError(make().describe(input, options()));
    expect(refused.retryable).to.equal(false);
    expect(refused.message).to.contain('Invalid image data');
    expect((await describeError(make().describe(input, options()))).retryable).to.equal(false);
  });

  it('times out a hung request as retryable', async () => {
    fake.script({ kind: 'hang' });
    const started = Date.now();
    const err = await describeError(make(300).describe(input, options()));
    expect(err.retryable).to.equal(true);
    expect(err.message).to.contain('did not answer in time');
    expect(Date.now() - started).to.be.below(3000);
  });

  it('says whether images leave the machine, as the privacy page does', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-dest-'));
    const where = (url?: string) => {
      const env = { NODE_ENV: 'test', DATA_DIR: dataDir, DESCRIBER: 'openai', OPENAI_API_KEY: 'k', ...(url ? { OPENAI_BASE_URL: url } : {}) };
      return createOpenAIDescriber(loadConfig(env)).destination;
    };
    expect(where('http://127.0.0.1:11434/v1')).to.deep.equal({ offMachine: false, host: 'this server' });
    expect(where('http://localhost:1234/v1')).to.deep.equal({ offMachine: false, host: 'this server' });
    expect(where('http://[::1]:8000/v1')).to.deep.equal({ offMachine: false, host: 'this server' });
    expect(where(undefined)).to.deep.include({ offMachine: true, host: 'api.openai.com' });
    expect(where('https://vision.example.com/v1')).to.deep.include({ offMachine: true, host: 'vision.example.com' });
    // Several servers: on this machine only when every one is; otherwise each one elsewhere is named.
    expect(where('http://127.0.0.1:8000/v1, http://10.0.0.5:8000/v1')).to.deep.equal({ offMachine: false, host: 'this server' });
    expect(where('http://127.0.0.1:8000/v1,https://a.example/v1 https://b.example/v1')).to.deep.include({ offMachine: true, host: 'a.example, b.example' });
    expect(() => where('http://127.0.0.1:8000/v1, ftp://x')).to.throw(/OPENAI_BASE_URL/);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});

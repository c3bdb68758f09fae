import { expect } from 'chai';
import { startFakeOpenAI, FakeOpenAI } from '../helpers/fake-openai';

async function chat(fake: FakeOpenAI, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${fake.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'Output language: de\nInstructions from the user: <b>hi</b>' }], ...body }),
  });
}

describe('fake OpenAI server (test helper)', () => {
  let fake: FakeOpenAI;
  before(async () => {
    fake = await startFakeOpenAI();
  });
  after(async () => fake.close());
  afterEach(() => fake.reset());

  it('answers chat completions with JSON derived from the prompt', async () => {
    const res = await chat(fake, {});
    expect(res.status).to.equal(200);
    const body = (await res.json()) as { choices: { message: { content: string } }[] };
    const answer = JSON.parse(body.choices[0].message.content) as { alt_text: string; caption: string };
    expect(answer.alt_text).to.equal('<b>hi</b>');
    expect(answer.caption).to.contain('(de)');
    expect(fake.requests).to.have.length(1);
  });

  it('plays scripted failures in order, then answers normally', async () => {
    fake.script({ kind: 'rate-limit', retryAfter: '3' }, { kind: 'server-error' });
    const first = await chat(fake, {});
    expect(first.status).to.equal(429);
    expect(first.headers.get('retry-after')).to.equal('3');
    expect((await chat(fake, {})).status).to.equal(500);
    expect((await chat(fake, {})).status).to.equal(200);
  });

  it('refuses json_schema with a 400 when told to', async () => {
    fake.refuseJsonSchema = true;
    const res = await chat(fake, { response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } } });
    expect(res.status).to.equal(400);
    expect((await chat(fake, { response_format: { type: 'json_object' } })).status).to.equal(200);
  });
});

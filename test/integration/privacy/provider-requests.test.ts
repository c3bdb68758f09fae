import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, TestApp } from '../../helpers/test-app';
import { startFakeOpenAI, FakeOpenAI } from '../../helpers/fake-openai';
import { signUp } from '../../helpers/session';
import { fixture } from '../../helpers/image-fixtures';
import { waitFor } from '../../helpers/queue-fixtures';
import { loadConfig, ConfigError } from '../../../server/config';

const OPENAI_POLICY = 'OpenAI keeps API inputs up to 30 days for abuse monitoring unless zero data retention is arranged with them.';

/** The visible text of the element with this id, tags removed and whitespace collapsed; null when absent. */
function textOf(html: string, id: string): string | null {
  const tag = new RegExp(`<(\\w+)[^>]*id="${id}"`).exec(html)?.[1];
  const match = tag ? new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</${tag}>`).exec(html) : null;
  return match ? match[1].replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim() : null;
}

describe('requests to an OpenAI-compatible server', () => {
  let fake: FakeOpenAI;
  let t: TestApp;
  before(async () => {
    fake = await startFakeOpenAI();
  });
  after(async () => fake.close());
  afterEach(async () => {
    await t?.close();
    fake.reset();
  });

  it('ask the provider not to store them and carry nothing that names the user, the batch or the image', async () => {
    t = await buildTestApp({ DESCRIBER: 'openai', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.baseUrl });
    const alice = await signUp(t.app, { email: 'alice.identifiable@example.test', name: 'Alice Identifiable' });
    // The first request is refused as a server without structured outputs would; the retry in JSON mode is checked too.
    fake.refuseJsonSchema = true;
    const res = await alice.agent
      .post(`/images?_csrf=${encodeURIComponent(alice.csrf)}`)
      .field('name', 'Alice private batch')
      .attach('images', fixture('dog.jpg'), 'alice-identifiable-passport.jpg')
      .expect(303);
    const batchId = res.headers.location.split('/').pop() as string;
    const image = await t.deps.db('images').where({ batch_id: batchId }).first();
    await t.deps.queue.start();
    await waitFor(async () => (await t.deps.db('images').where({ id: image.id }).first()).status === 'done', 10_000, 'image described');

    expect(fake.requests.map((r) => r.responseFormat)).to.deep.equal(['json_schema', 'json_object']);
    for (const sent of fake.requests) {
      expect(sent.body.store).to.equal(false);
      // Only what describing needs: no `user`, no `metadata`, nothing else a provider could key on.
      expect(Object.keys(sent.body).sort()).to.deep.equal(['messages', 'model', 'response_format', 'store', 'temperature']);
      const everything = JSON.stringify({ body: sent.body, headers: sent.headers }).toLowerCase();
      for (const identifier of [alice.user.email, 'alice identifiable', 'alice private batch', 'alice-identifiable-passport', batchId, image.id]) {
        expect(everything, identifier).to.not.contain(String(identifier).toLowerCase());
      }
    }
  });
});

describe('what a remote provider keeps, on /privacy and the consent step', () => {
  const apps: TestApp[] = [];
  after(async () => Promise.all(apps.map((a) => a.close())));

  async function pages(env: Record<string, string>): Promise<{ privacy: string; consent: string; app: TestApp }> {
    const app = await buildTestApp({ DESCRIBER: 'openai', OPENAI_API_KEY: 'sk-test', ...env });
    apps.push(app);
    const privacy = (await request(app.app).get('/privacy').expect(200)).text;
    const alice = await signUp(app.app);
    const consent = (await alice.agent.get('/images/new').expect(200)).text;
    return { privacy, consent, app };
  }

  it('states OpenAI’s 30-day abuse-monitoring retention for api.openai.com', async () => {
    const { privacy, consent } = await pages({});
    expect(textOf(privacy, 'destination')).to.contain('Images are sent to api.openai.com');
    expect(textOf(privacy, 'provider-retention')).to.equal(OPENAI_POLICY);
    expect(textOf(privacy, 'provider-request')).to.contain('store: false');
    expect(consent).to.contain('I understand: send my images to api.openai.com');
    expect(textOf(consent, 'provider-retention')).to.equal(OPENAI_POLICY);
  });

  it('shows the admin’s statement for another host verbatim, escaped', async () => {
    const stated = 'Keeps <b>nothing</b> & deletes each request once answered';
    const { privacy, consent } = await pages({ OPENAI_BASE_URL: 'https://vision.example.com/v1', OPENAI_PROVIDER_RETENTION: `  ${stated}  ` });
    const expected = `The administrator of this server states what vision.example.com keeps: “${stated}”`;
    for (const html of [privacy, consent]) {
      expect(html).to.contain('Keeps &lt;b&gt;nothing&lt;/b&gt; &amp; deletes');
      expect(html).to.not.contain('<b>nothing</b>');
      expect(textOf(html, 'provider-retention')?.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')).to.equal(expected);
      expect(html).to.not.contain('30 days for abuse monitoring');
    }
  });

  it('says plainly that it cannot tell what another host keeps when the admin has not said', async () => {
    const { privacy, consent } = await pages({ OPENAI_BASE_URL: 'https://vision.example.com/v1' });
    for (const html of [privacy, consent]) {
      expect(textOf(html, 'provider-retention')).to.contain('Sightline cannot tell what vision.example.com keeps');
      expect(html).to.not.contain('30 days for abuse monitoring');
    }
  });

  it('says nothing about a provider for a model server on this machine', async () => {
    const { privacy } = await pages({ OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_PROVIDER_RETENTION: 'Keeps everything' });
    expect(textOf(privacy, 'destination')).to.contain('on this server');
    expect(textOf(privacy, 'provider-retention')).to.equal(null);
    expect(privacy).to.not.contain('Keeps everything');
  });
});

describe('OPENAI_PROVIDER_RETENTION', () => {
  const load = (value: string) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-retention-'));
    try {
      return loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, DESCRIBER: 'openai', OPENAI_API_KEY: 'k', OPENAI_PROVIDER_RETENTION: value });
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  };

  it('refuses more than one line or more than 500 characters, naming the variable', () => {
    for (const bad of ['Keeps logs\n<script>', 'x'.repeat(501)]) {
      expect(() => load(bad)).to.throw(ConfigError, /OPENAI_PROVIDER_RETENTION/);
    }
  });

  it('treats an empty value as unset', () => {
    expect(load('   ').openai.providerRetention).to.equal(undefined);
  });
});

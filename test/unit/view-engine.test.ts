import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import ejs from 'ejs';
import { createViewEngine } from '../../server/view-engine';

const TEMPLATES: Record<string, string> = {
  'page.ejs': [
    "<%- include('parts/header', { title: 'Inner' }) %>",
    '<h1><%= title %></h1>',
    '<% items.forEach((item) => { %><li><%= item %></li><% }) %>',
    "<% if (locals.note) { %><p><%= note %></p><% } %>",
    "<p><%= typeof missing === 'undefined' ? 'no missing' : missing %></p>",
    "<%- include('parts/footer') %>",
  ].join('\n'),
  'parts/header.ejs': "<title><%= title %></title><%- include('nav', { current: '/' }) %>",
  'parts/nav.ejs': '<nav><%= current %> <%= user.name %></nav>',
  'parts/footer.ejs': '<footer><%- raw %></footer>',
  'declares.ejs': "<% const shown = 'from the template'; %><%= shown %>",
  'broken.ejs': 'line one\n<%= user.name.toUpperCase() %>',
  'unknown.ejs': '<%= neverPassed %>',
};

describe('view engine', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-views-'));
    for (const [name, text] of Object.entries(TEMPLATES)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function render(engine: ReturnType<typeof createViewEngine>, name: string, data: object): Promise<string> {
    return new Promise((resolve, reject) => engine(path.join(dir, name), data, (err, html) => (err ? reject(err) : resolve(html!))));
  }
  const pageData = () => ({ title: 'Outer', items: ['a', '<b>'], user: { name: 'Ada & co' }, raw: '<hr>', note: 'hi' });

  it('renders exactly what plain EJS renders, includes and escaping included', async () => {
    const engine = createViewEngine();
    for (const data of [pageData(), { ...pageData(), note: undefined }]) {
      const expected = await ejs.renderFile(path.join(dir, 'page.ejs'), data);
      expect(await render(engine, 'page.ejs', data)).to.equal(expected);
    }
    const html = await render(engine, 'page.ejs', pageData());
    expect(html).to.contain('<title>Inner</title>').and.contain('<h1>Outer</h1>');
    expect(html).to.contain('<li>&lt;b&gt;</li>').and.contain('Ada &amp; co').and.contain('<footer><hr></footer>');
  });

  it('renders the same locals the same way on later renders, and copes with a local passed only sometimes', async () => {
    const engine = createViewEngine();
    const first = await render(engine, 'page.ejs', pageData());
    expect(await render(engine, 'page.ejs', pageData())).to.equal(first);
    const { note: _note, ...withoutNote } = pageData();
    expect(await render(engine, 'page.ejs', withoutNote)).to.not.contain('<p>hi</p>');
  });

  it("lets a template's own top-level declaration win over a local of the same name", async () => {
    expect(await render(createViewEngine(), 'declares.ejs', { shown: 'from the route' })).to.equal('from the template');
  });

  it('ignores a polluted Object.prototype, with or without the fallback', async () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.escapeFn = () => 'POLLUTED';
    proto.shown = 'POLLUTED';
    try {
      const engine = createViewEngine();
      expect(await render(engine, 'page.ejs', pageData())).to.not.contain('POLLUTED');
      expect(await render(engine, 'declares.ejs', { shown: 'from the route', title: '<i>' })).to.equal('from the template');
    } finally {
      delete proto.escapeFn;
      delete proto.shown;
    }
  });

  it('keeps a compiled template until restart, as the view cache does', async () => {
    const engine = createViewEngine();
    await render(engine, 'declares.ejs', {});
    fs.writeFileSync(path.join(dir, 'declares.ejs'), 'edited');
    try {
      expect(await render(engine, 'declares.ejs', {})).to.equal('from the template');
      expect(await render(createViewEngine(), 'declares.ejs', {})).to.equal('edited');
    } finally {
      fs.writeFileSync(path.join(dir, 'declares.ejs'), TEMPLATES['declares.ejs']);
    }
  });

  it('still renders when the sets of locals outnumber what it keeps compiled', async () => {
    const engine = createViewEngine();
    for (let i = 0; i < 600; i += 1) {
      expect(await render(engine, 'declares.ejs', { [`extra${i}`]: i })).to.equal('from the template');
    }
    expect(await render(engine, 'page.ejs', pageData())).to.contain('<h1>Outer</h1>');
  });

  it('reports a failing template with its file and line', async () => {
    const err = await render(createViewEngine(), 'broken.ejs', { user: {} }).catch((e: Error) => e);
    expect(err).to.be.instanceOf(Error);
    expect((err as Error).message).to.contain('broken.ejs:2');
  });

  it('refuses a name that was never passed, as EJS does', async () => {
    const err = await render(createViewEngine(), 'unknown.ejs', {}).catch((e: Error) => e);
    expect(err).to.be.instanceOf(ReferenceError);
  });
});

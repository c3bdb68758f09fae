import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { expect } from 'chai';
import { fixture } from '../helpers/image-fixtures';
import { signedInAt } from './browser';
import { browserApp } from './browser-app';
import { axeViolations } from './axe';

const SHOTS = process.env.SIGHTLINE_SCREENSHOTS || '/tmp/shots-purpose';

describe('telling the upload form where the images are used, in a real browser', function () {
  this.timeout(90_000);
  const email = 'purpose@example.test';
  const app = browserApp({ email, modelServer: { latencyMs: 20 }, startQueue: true });
  before(() => fs.mkdirSync(SHOTS, { recursive: true }));

  for (const width of [390, 1280]) {
    it(`describes a linked image for its link, says which rule applied, and writes it in German too, at ${width} px`, async () => {
      const { context, page } = await signedInAt(app.rig, email, '/images/new', { width, bypassCSP: true });
      await page.getByLabel('Linked: the only content of a link').check();
      await page.getByLabel(/^Link destination or button action/).fill('https://example.com/pricing');
      await page.getByLabel(/^Text next to the images/).fill('Nos formules commencent à 9 euros par mois, sans engagement.');
      await page.getByLabel('Language', { exact: true }).selectOption('page');
      await page.getByLabel(/^Also write in/).fill('de');
      expect(await axeViolations(page)).to.deep.equal([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).to.equal(true);
      await page.locator('fieldset', { hasText: 'Where the images are used' }).screenshot({ path: `${SHOTS}/purpose-fields-${width}.png` });
      await page.setInputFiles('#images', [{ name: 'logo.jpg', mimeType: 'image/jpeg', buffer: fixture('dog.jpg') }]);
      await Promise.all([page.waitForURL(/\/batches\/[A-Za-z0-9_-]{22}$/), page.getByRole('button', { name: 'Upload and describe' }).click()]);
      expect(await page.locator('main').textContent()).to.include('purpose linked (“https://example.com/pricing”)');
      expect(await page.locator('main').textContent()).to.include("language fr (the language of the page's text)");
      await page.waitForFunction(() => document.querySelectorAll('[data-status="done"] textarea[name="alt_text"]').length === 1, null, { timeout: 20_000 });
      await page.reload();
      await page.getByText('How this was written').click();
      expect(await page.locator('main').textContent()).to.include('Rule applied: the image is a link, so the alt text says where the link goes.');
      // Each language is a tab.
      await page.getByRole('tab', { name: 'German (de)' }).click();
      expect(await page.locator('[role="tabpanel"][lang="de"] dd').first().textContent()).to.match(/^\[de\] /);
      const sent = app.fake.requests.map((r) => r.text).filter((text) => text.includes('Purpose:')).at(-1)!;
      expect(sent).to.contain('only content of a link to: https://example.com/pricing');
      expect(sent).to.contain('Nos formules commencent à 9 euros par mois');
      expect(sent).to.contain('Output language: fr (French)');
      await page.screenshot({ path: `${SHOTS}/purpose-result-${width}.png`, fullPage: true });

      // The kept copy, downloaded with its text inside.
      const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /^Download with the text in the file/ }).click()]);
      const [inFile] = JSON.parse(execFileSync('exiftool', ['-j', '-G1', (await file.path())!], { encoding: 'utf8' })) as Record<string, unknown>[];
      expect(inFile!['XMP-iptcCore:AltTextAccessibility']).to.equal(await page.locator('textarea[name="alt_text"]').first().inputValue());

      // Written in Spanish later, on the image's own page, from the text as it is now.
      const id = await page.locator('[data-image-id]').first().getAttribute('data-image-id');
      await page.goto(`${app.rig.url}/images/${id}`);
      await page.getByLabel('Write the current text in').fill('es');
      await Promise.all([page.waitForURL(new RegExp(`/images/${id}#translations$`)), page.getByRole('button', { name: 'Translate' }).click()]);
      expect(await page.locator('main').textContent()).to.include('Written in');
      expect(await page.getByRole('tab').allTextContents(), 'German kept, Spanish added').to.deep.equal(['German (de)', 'Spanish (es)']);
      await page.getByRole('tab', { name: 'German (de)' }).focus();
      await page.keyboard.press('ArrowRight');
      expect(await page.getByRole('tab', { name: 'Spanish (es)' }).getAttribute('aria-selected')).to.equal('true');
      expect(await page.locator('[role="tabpanel"][lang="de"]').isHidden()).to.equal(true);
      expect(await page.locator('[role="tabpanel"][lang="es"] dd').first().textContent()).to.match(/^\[es\] /);
      expect(await axeViolations(page)).to.deep.equal([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).to.equal(true);
      await page.locator('#translations').screenshot({ path: `${SHOTS}/translate-later-${width}.png` });
      await page.locator('.translate-form').screenshot({ path: `${SHOTS}/translate-form-${width}.png` });
      await page.goto(`${app.rig.url}/batches/${(await app.t.deps.db('images').where({ id }).first('batch_id')).batch_id}`);

      // Described again as decorative, for this image alone: the alt text becomes empty.
      await page.locator('details.regenerate summary').click();
      await page.locator('select[name="purpose"]').selectOption('decorative');
      await page.locator('details.regenerate').screenshot({ path: `${SHOTS}/describe-again-purpose-${width}.png` });
      await page.locator('details.regenerate').getByRole('button', { name: 'Describe again' }).click();
      await page.waitForURL(/\/batches\//);
      const imageId = await page.locator('[data-image-id]').first().getAttribute('data-image-id');
      const deadline = Date.now() + 20_000;
      let described: { alt_text: string; decorative: unknown } | undefined;
      while (Date.now() < deadline) {
        described = await app.t.deps.db('descriptions').where({ image_id: imageId }).first('alt_text', 'decorative');
        if (described?.alt_text === '') break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(described?.alt_text, 'alt text after describing again as decorative').to.equal('');
      await context.close();
    });
  }

  for (const width of [390, 1280]) {
    it(`hands one file back with the text written in, keeping nothing, at ${width} px`, async () => {
      const { context, page } = await signedInAt(app.rig, email, '/images/new', { width });
      const imagesBefore = await app.t.deps.db('images').count({ n: '*' }).first();
      await page.setInputFiles('#embed-file', { name: 'eagle.jpg', mimeType: 'image/jpeg', buffer: fixture('eagle-gps.jpg') });
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Describe and download' }).click()]);
      expect(download.suggestedFilename()).to.equal('eagle.jpg');
      const [tags] = JSON.parse(execFileSync('exiftool', ['-j', '-G1', (await download.path())!], { encoding: 'utf8' })) as Record<string, unknown>[];
      expect(tags!['XMP-iptcCore:AltTextAccessibility']).to.be.a('string').and.not.equal('');
      expect(await app.t.deps.db('images').count({ n: '*' }).first()).to.deep.equal(imagesBefore);
      await page.locator('#embed-file-heading').screenshot({ path: `${SHOTS}/embed-file-${width}.png` });
      await context.close();
    });
  }
});

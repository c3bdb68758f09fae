import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { signUp, type SignedUp } from '../../helpers/session';
import { startWordPress, type WordPressSite } from '../../helpers/wordpress';
import { listSites } from '../../../server/db/wordpress-sites';
import { siteCredentials } from '../../../server/services/wordpress/connect';

describe('connecting a WordPress site with a pasted Application Password', function () {
  this.timeout(60_000);
  let wp: WordPressSite;
  let production: WordPressSite;
  let t: TestApp;
  let me: SignedUp;

  before(async () => {
    [wp, production] = await Promise.all([startWordPress(), startWordPress({ environment: 'production' })]);
    t = await buildTestApp({ ALLOWED_INTERNAL_HOSTS: `127.0.0.1:${wp.port},127.0.0.1:${production.port}` });
    me = await signUp(t.app);
  });
  after(async () => {
    await t?.close();
    await Promise.all([wp?.close(), production?.close()]);
  });

  const paste = (siteUrl: string, userLogin: string, password: string) =>
    me.agent.post('/wordpress/sites').type('form').send({ _csrf: me.csrf, site_url: siteUrl, user_login: userLogin, password });

  it('checks an Editor\'s password at once, saves the site and keeps the password only encrypted', async () => {
    const password = await wp.applicationPassword('editor');
    const res = await paste(`${wp.url}/wp-admin/`, 'editor', password);
    expect(res.status).to.equal(303);
    const [site] = await listSites(t.deps.db, me.user.id);
    expect(site.site_url).to.equal(wp.url);
    expect(site.site_name).to.equal('Sightline test site');
    expect(site.password_encrypted).not.to.contain(password.replace(/ /g, ''));
    expect(Buffer.from(site.password_encrypted, 'base64').toString('latin1')).not.to.contain(password.replace(/ /g, ''));
    expect(siteCredentials(t.deps, site).password).to.equal(password.replace(/ /g, ''));
    const page = await me.agent.get(res.headers.location);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('connected as editor');
  });

  it('explains that an Author cannot change other people\'s images, and saves nothing', async () => {
    const before = (await listSites(t.deps.db, me.user.id)).length;
    const res = await paste(wp.url, 'author', await wp.applicationPassword('author'));
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('is not an Editor');
    expect(res.text).to.contain('other people uploaded');
    expect(await listSites(t.deps.db, me.user.id)).to.have.length(before);
  });

  it('explains that a site without HTTPS refuses Application Passwords', async () => {
    const res = await paste(production.url, 'editor', await production.applicationPassword('editor'));
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('The site is not on HTTPS');
  });

  it('says a wrong password is wrong, not that HTTPS is missing', async () => {
    const res = await paste(wp.url, 'editor', 'abcd efgh ijkl mnop qrst uvwx');
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('did not accept this user name and Application Password');
  });

  it('refuses a loopback site that no administrator allowed', async () => {
    const other = await buildTestApp();
    try {
      const them = await signUp(other.app);
      const res = await them.agent.post('/wordpress/sites').type('form').send({ _csrf: them.csrf, site_url: wp.url, user_login: 'editor', password: await wp.applicationPassword('editor') });
      expect(res.status).to.equal(422);
      expect(res.text).to.contain('ALLOWED_INTERNAL_HOSTS');
    } finally {
      await other.close();
    }
  });

  it('refuses an answer from WordPress that no connection started here asked for', async () => {
    const before = (await listSites(t.deps.db, me.user.id)).length;
    const password = await wp.applicationPassword('editor');
    const forged = await me.agent.get('/wordpress/callback').query({ state: 'guessed', site_url: wp.url, user_login: 'editor', password });
    expect(forged.status).to.equal(400);
    const start = await me.agent.post('/wordpress/authorize').type('form').send({ _csrf: me.csrf, site_url: wp.url });
    expect(start.status).to.equal(200);
    const link = /href="([^"]+)" id="wordpress-continue"/.exec(start.text)!;
    const authorize = new URL(link[1].replace(/&amp;/g, '&'));
    expect(authorize.pathname).to.equal('/wp-admin/authorize-application.php');
    expect(authorize.searchParams.get('app_id')).to.match(/^[0-9a-f-]{36}$/);
    const back = new URL(authorize.searchParams.get('success_url')!);
    const wrong = await me.agent.get('/wordpress/callback').query({ state: `${back.searchParams.get('state')}x`, site_url: wp.url, user_login: 'editor', password });
    expect(wrong.status).to.equal(400);
    expect(await listSites(t.deps.db, me.user.id)).to.have.length(before);
  });

  it('answers 404 for another account\'s site', async () => {
    const [site] = await listSites(t.deps.db, me.user.id);
    const other = await signUp(t.app);
    expect((await other.agent.get(`/wordpress/sites/${site.id}`)).status).to.equal(404);
    expect((await other.agent.post(`/wordpress/sites/${site.id}/delete`).type('form').send({ _csrf: other.csrf })).status).to.equal(404);
  });
});

import crypto from 'node:crypto';
import type { Deps } from '../../deps';
import { HttpError } from '../../middleware/errors';
import type { Resolver } from '../../net';
import { seal, open } from '../../storage/blob-cipher';
import { LANGUAGES } from '../ingest/languages';
import { findSite, findSiteByUrl, insertSite, listSites, updateSiteCredentials, deleteSite, type SiteRow } from '../../db/wordpress-sites';
import { wpCall, WordPressError, type Credentials } from './client';

/** Sightline's identity in WordPress's authorisation screen; the same on every install (a UUID is required). */
export const APP_ID = '6f1d2a52-8a0c-4f43-9d3e-5b7f0c7e2a19';
export const APP_NAME = 'Sightline';

export interface SiteView {
  id: string;
  siteUrl: string;
  siteName: string;
  userLogin: string;
  language: string;
  /** The language as people read it ("Français (French)"). */
  languageName: string;
  daily: boolean;
}

type StoreDeps = Pick<Deps, 'config' | 'db' | 'clock'>;

function toView(row: SiteRow): SiteView {
  const languageName = LANGUAGES.find((l) => l.code === row.language)?.name ?? row.language;
  return { id: row.id, siteUrl: row.site_url, siteName: row.site_name, userLogin: row.user_login, language: row.language, languageName, daily: Boolean(row.daily) };
}

/** The site's root address from whatever was pasted: a page, wp-admin or the REST root all lead to it. */
export function normalizeSiteUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new HttpError(400, 'Give the site’s address, starting with https://', 'invalid_site_url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new HttpError(400, 'Give the site’s address, starting with https://', 'invalid_site_url');
  const path = url.pathname.replace(/\/(wp-admin|wp-json|wp-login\.php).*$/, '').replace(/\/+$/, '');
  return `${url.protocol}//${url.host}${path}`;
}

/** Application Passwords are shown with spaces; WordPress ignores them, and so do we. */
function cleanPassword(text: string): string {
  return text.replace(/\s+/g, '');
}

/** WordPress's locale (fr_FR, pt_BR) as one of our output languages, English when we have none. */
export function languageOfLocale(locale: string | undefined): string {
  const tag = (locale ?? '').replace('_', '-');
  const known = LANGUAGES.map((l) => l.code);
  return known.find((code) => code.toLowerCase() === tag.toLowerCase()) ?? known.find((code) => code === tag.split('-')[0]) ?? 'en';
}

interface Me {
  slug?: string;
  name?: string;
  locale?: string;
  capabilities?: Record<string, boolean>;
}

/**
 * Signs in to the site as the account and checks it may edit everyone's media. The two common
 * failures are explained in words: a site without HTTPS ignores Application Passwords (unless it is
 * marked local), and an account below Editor cannot change other people's images.
 */
export async function checkAccount(deps: Pick<Deps, 'config'>, creds: Credentials, resolve?: Resolver): Promise<{ siteName: string; language: string }> {
  let me: Me;
  try {
    me = (await wpCall<Me>(deps, creds, 'GET', '/wp/v2/users/me?context=edit', undefined, resolve)).body;
  } catch (err) {
    if (!(err instanceof WordPressError)) throw err;
    throw new HttpError(422, await explain(deps, creds, err, resolve), 'wordpress_check_failed');
  }
  if (!me.capabilities?.edit_others_posts) {
    throw new HttpError(422, `The account “${creds.userLogin}” is not an Editor: WordPress will not let it change images other people uploaded. Connect with an Editor’s or an Administrator’s account (Users → Profile shows the role).`, 'wordpress_not_editor');
  }
  let siteName = '';
  try {
    siteName = String((await wpCall<{ name?: string }>(deps, creds, 'GET', '/', undefined, resolve)).body.name ?? '');
  } catch {
    // The name is only for display; the site address stands in for it.
  }
  return { siteName: siteName.slice(0, 300), language: languageOfLocale(me.locale) };
}

/**
 * WordPress answers a refused Application Password with a bare "not logged in" whether the password
 * is wrong or Application Passwords are off (no HTTPS); its REST index lists them only when they are on.
 */
async function applicationPasswordsOn(deps: Pick<Deps, 'config'>, siteUrl: string, resolve?: Resolver): Promise<boolean> {
  try {
    const index = await wpCall<{ authentication?: Record<string, unknown> }>(deps, { siteUrl }, 'GET', '/', undefined, resolve);
    return Boolean(index.body.authentication && 'application-passwords' in index.body.authentication);
  } catch {
    return true;
  }
}

async function explain(deps: Pick<Deps, 'config'>, creds: Credentials, err: WordPressError, resolve?: Resolver): Promise<string> {
  if (err.kind === 'unauthorized') {
    if (!(await applicationPasswordsOn(deps, creds.siteUrl, resolve))) {
      if (creds.siteUrl.startsWith('http:')) {
        return 'The site is not on HTTPS: WordPress accepts Application Passwords only over HTTPS (or on a development site marked local with WP_ENVIRONMENT_TYPE). Connect through the site’s https:// address.';
      }
      return 'The site has Application Passwords turned off (a security plugin can do this): turn them on, or ask the site’s administrator to.';
    }
    return `The site did not accept this user name and Application Password. Check the user name “${creds.userLogin}”, and paste the Application Password again (Users → Profile → Application Passwords).`;
  }
  if (err.kind === 'not_found') return 'No WordPress REST API answered at this address (/wp-json). Check the site’s address; the REST API must not be blocked.';
  return err.message;
}

function sealPassword(deps: Pick<Deps, 'config'>, id: string, password: string): string {
  return seal(deps.config.encryptionKey, `wordpress-password:${id}`, Buffer.from(password)).toString('base64');
}

/** The site's address and the account's Application Password, unsealed for a call. */
export function siteCredentials(deps: Pick<Deps, 'config'>, row: SiteRow): Credentials {
  let password: string;
  try {
    password = open(deps.config.encryptionKey, `wordpress-password:${row.id}`, Buffer.from(row.password_encrypted, 'base64')).toString();
  } catch {
    // ENCRYPTION_KEY changed, or the row was damaged: say what to do instead of failing the page.
    throw new HttpError(409, 'The Application Password stored for this site cannot be read (was ENCRYPTION_KEY changed?). Connect the site again.', 'credentials_unreadable');
  }
  return { siteUrl: row.site_url, userLogin: row.user_login, password };
}

/** Checks the account on the site, then saves it (replacing the password of a site connected before). */
export async function connectSite(deps: StoreDeps, userId: number, input: { siteUrl: string; userLogin: string; password: string }, resolve?: Resolver): Promise<SiteView> {
  const siteUrl = normalizeSiteUrl(input.siteUrl);
  const userLogin = input.userLogin.trim();
  const password = cleanPassword(input.password);
  if (!userLogin || userLogin.length > 200) throw new HttpError(400, 'Give the WordPress user name.', 'invalid_user_login');
  if (!password || password.length > 200) throw new HttpError(400, 'Paste the Application Password.', 'invalid_password');
  const { siteName, language } = await checkAccount(deps, { siteUrl, userLogin, password }, resolve);
  const now = deps.clock.now().getTime();
  const existing = await findSiteByUrl(deps.db, userId, siteUrl);
  if (existing) {
    await updateSiteCredentials(deps.db, userId, existing.id, { site_name: siteName, user_login: userLogin, password_encrypted: sealPassword(deps, existing.id, password), language, updated_at: now });
    return toView({ ...existing, site_name: siteName, user_login: userLogin, language });
  }
  const id = `wp_${crypto.randomBytes(12).toString('base64url')}`;
  const row: SiteRow = { id, user_id: userId, site_url: siteUrl, site_name: siteName, user_login: userLogin, password_encrypted: sealPassword(deps, id, password), language, created_at: now, updated_at: now };
  await insertSite(deps.db, row);
  return toView(row);
}

/** WordPress's own screen where a signed-in user approves Sightline (or refuses: WordPress then adds success=false); either way it comes back to `returnUrl`. */
export function authorizeUrl(siteUrl: string, returnUrl: string, now: Date): string {
  const url = new URL(`${siteUrl}/wp-admin/authorize-application.php`);
  // WordPress refuses a second password of the same name for a user: each connection gets its own.
  url.searchParams.set('app_name', `${APP_NAME} ${now.toISOString().slice(0, 19).replace('T', ' ')}`);
  url.searchParams.set('app_id', APP_ID);
  url.searchParams.set('success_url', returnUrl);
  return url.toString();
}

export function newConnectState(): string {
  return crypto.randomBytes(16).toString('base64url');
}

export async function listSiteViews(deps: Pick<Deps, 'db'>, userId: number): Promise<SiteView[]> {
  return (await listSites(deps.db, userId)).map(toView);
}

/** The account's site, or 404 (another account's site is not found, not forbidden). */
export async function loadSite(deps: Pick<Deps, 'db'>, userId: number, id: string): Promise<SiteRow> {
  const row = await findSite(deps.db, userId, id);
  if (!row) throw new HttpError(404, 'No such WordPress site.', 'not_found');
  return row;
}

export function siteView(row: SiteRow): SiteView {
  return toView(row);
}

export async function disconnectSite(deps: Pick<Deps, 'db'>, userId: number, id: string): Promise<void> {
  if ((await deleteSite(deps.db, userId, id)) === 0) throw new HttpError(404, 'No such WordPress site.', 'not_found');
}

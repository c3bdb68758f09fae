import { expect } from 'chai';
import type express from 'express';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { signUp, type SignedUp } from '../../helpers/session';
import { seedReviewBatch } from '../../helpers/review-seed';
import { insertUser } from '../../helpers/rows';
import { createTeam, switchTo, type Team } from '../../helpers/workspace-seed';
import { createPattern } from '../../../server/patterns';
import { createEndpoint } from '../../../server/webhooks';
import { createApiKey } from '../../../server/services/api-keys';
import { putMember } from '../../../server/db/workspaces';
import { insertSite } from '../../../server/db/wordpress-sites';
import crypto from 'node:crypto';
import { atLeast, ROLES, type WorkspaceRole } from '../../../server/workspaces/roles';

/**
 * Who may call each route. Every route of the app's router must be here: a new route that is not
 * fails the first test, so nobody adds one without saying which role it needs.
 * public: anyone; person: any signed-in person, about themselves; admin: the instance's administrators;
 * a role: at least that role in the current workspace (API routes: the key's role).
 */
type Access = 'public' | 'person' | 'admin' | WorkspaceRole;
const ACCESS: Record<string, Access> = {
  'POST /login,/signup': 'public', 'GET /healthz': 'public', 'GET /api/v1/openapi.json': 'public', 'GET /login': 'public', 'POST /login': 'public',
  'GET /signup': 'public', 'POST /signup': 'public', 'GET /login/two-factor': 'public', 'POST /login/two-factor': 'public',
  'POST /login/passkey/options': 'public', 'POST /login/passkey': 'public', 'GET /login/sso': 'public', 'GET /login/sso/callback': 'public',
  'GET /privacy': 'public', 'GET /try': 'public', 'POST /try': 'public', 'GET /docs/api': 'public',
  'POST /logout': 'person', 'POST /account/passkeys/options': 'person', 'POST /account/passkeys': 'person', 'POST /account/passkeys/:id/delete': 'person',
  'GET /account/two-factor': 'person', 'POST /account/two-factor/setup': 'person', 'POST /account/two-factor/confirm': 'person',
  'POST /account/two-factor/recovery-codes': 'person', 'POST /account/two-factor/disable': 'person', 'POST /account/two-factor/forget-browsers': 'person',
  'GET /workspaces': 'person', 'POST /workspaces/switch': 'person', 'GET /workspace-invites/:token': 'person', 'POST /workspace-invites/:token': 'person',
  'GET /account': 'person', 'POST /account/name': 'person', 'POST /account/email': 'person', 'POST /account/password': 'person', 'POST /account/delete': 'person',
  'GET /admin/sign-in': 'admin', 'POST /admin/sign-in': 'admin', 'GET /admin/sign-in/users/:id/reset': 'admin', 'POST /admin/sign-in/users/:id/reset': 'admin',
  'POST /workspaces': 'admin', 'GET /admin/privacy': 'admin', 'POST /admin/privacy': 'admin', 'POST /admin/users/:id/delete': 'admin', 'GET /admin': 'admin',
  'GET /admin/users/:id/delete': 'admin', 'GET /admin/users': 'admin', 'GET /admin/users/:id/disable': 'admin', 'POST /admin/users/:id/disable': 'admin',
  'POST /admin/users/:id/enable': 'admin', 'GET /admin/invites': 'admin', 'POST /admin/invites': 'admin', 'GET /admin/audit': 'admin',
  'GET /admin/quotas': 'admin', 'POST /admin/quotas': 'admin',
  'GET /admin/workspaces': 'admin', 'POST /admin/workspaces/:id/owner': 'admin', 'POST /admin/workspaces/:id/two-factor': 'admin',
  'GET /admin/describers': 'admin', 'POST /admin/describers': 'admin', 'POST /admin/describers/:id/delete': 'admin',
  'GET /admin/comparisons': 'admin', 'POST /admin/comparisons': 'admin', 'GET /comparisons': 'contributor', 'GET /comparisons/:id': 'contributor', 'POST /comparisons/:id/votes': 'contributor',
  'GET /workspace': 'viewer', 'POST /workspace/leave': 'viewer', 'GET /': 'viewer', 'GET /images': 'viewer', 'GET /images/export.:format': 'viewer',
  'GET /images/:id/file': 'viewer', 'GET /images/:id/download': 'viewer', 'POST /images/embed-file': 'contributor', 'GET /images/:id': 'viewer', 'GET /batches/:id': 'viewer', 'GET /batches/:id/export.:format': 'viewer',
  'GET /batches/:id/progress.json': 'viewer', 'GET /batches/:id/events': 'viewer', 'POST /images/bulk': 'viewer', 'GET /account/usage': 'viewer',
  'GET /patterns': 'viewer', 'GET /patterns/:id': 'viewer', 'GET /patterns/:id/tests/:imageId': 'viewer',
  'POST /images/zero-retention': 'contributor', 'POST /batches/:id/cancel': 'contributor', 'POST /images/:id/regenerate': 'contributor',
  'POST /images/:id/approval': 'contributor', 'GET /images/new': 'contributor', 'POST /images': 'contributor', 'POST /images/:id/description': 'contributor',
  'POST /images/:id/review': 'contributor', 'POST /images/:id/alt-text': 'contributor', 'POST /images/:id/file-again': 'contributor',
  'GET /audit': 'contributor', 'POST /audit': 'contributor', 'POST /audit/describe': 'contributor', 'POST /images/:id/versions/:number/restore': 'contributor',
  'POST /images/:id/new-version': 'contributor', 'POST /images/:id/translations': 'contributor', 'POST /patterns/:id/test': 'contributor',
  'GET /images/:id/delete': 'editor', 'POST /images/:id/delete': 'editor', 'GET /batches/:id/delete': 'editor', 'POST /batches/:id/delete': 'editor',
  'GET /patterns/new': 'editor', 'POST /patterns': 'editor', 'GET /patterns/:id/edit': 'editor', 'POST /patterns/:id': 'editor',
  'GET /patterns/:id/delete': 'editor', 'POST /patterns/:id/delete': 'editor',
  'POST /workspace/invites': 'owner', 'POST /workspace/members/:userId/role': 'owner', 'POST /workspace/members/:userId/remove': 'owner',
  'POST /workspace/settings': 'owner', 'POST /workspace/delete': 'owner', 'GET /account/privacy': 'owner', 'POST /account/privacy': 'owner',
  'GET /account/export': 'owner', 'POST /images/consent': 'owner', 'GET /account/api-keys': 'owner', 'POST /account/api-keys': 'owner',
  'GET /account/api-keys/:id/revoke': 'owner', 'POST /account/api-keys/:id/revoke': 'owner', 'GET /account/webhooks': 'owner',
  'POST /account/webhooks': 'owner', 'GET /account/webhooks/:id': 'owner', 'POST /account/webhooks/:id/test': 'owner',
  'GET /account/webhooks/:id/delete': 'owner', 'POST /account/webhooks/:id/delete': 'owner',
  'GET /api/v1/images': 'viewer', 'GET /api/v1/images/:id': 'viewer', 'GET /api/v1/images/:id/versions': 'viewer', 'GET /api/v1/batches/:id': 'viewer',
  'GET /api/v1/usage': 'viewer', 'GET /api/v1/images/:id/download': 'viewer', 'POST /api/v1/images': 'contributor', 'PATCH /api/v1/images/:id': 'contributor', 'POST /api/v1/images/bulk': 'contributor',
  'POST /api/v1/images/:id/regenerate': 'contributor', 'POST /api/v1/images/:id/translations': 'contributor', 'POST /api/v1/images/:id/approval': 'contributor', 'POST /api/v1/batches': 'contributor', 'POST /api/v1/batches/:id/cancel': 'contributor', 'POST /api/v1/embed-file': 'contributor',
  'DELETE /api/v1/images/:id': 'editor', 'DELETE /api/v1/batches/:id': 'editor',
  'GET /wordpress': 'viewer', 'GET /wordpress/sites/:id': 'viewer', 'POST /wordpress/sites/:id/scans': 'contributor',
  'POST /wordpress/sites/:id/describe': 'contributor', 'POST /wordpress/sites/:id/write-back': 'editor',
  'POST /wordpress/sites/:id/runs/:runId/undo': 'editor', 'POST /wordpress/sites': 'owner', 'POST /wordpress/authorize': 'owner',
  'GET /wordpress/callback': 'owner', 'POST /wordpress/sites/:id/daily': 'owner', 'POST /wordpress/sites/:id/delete': 'owner',
};

/** Every route the app answers, as "METHOD /path", read from its router (mounted routers included). */
function routeTable(app: express.Express): string[] {
  const out: string[] = [];
  type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) for (const method of Object.keys(layer.route.methods)) out.push(`${method.toUpperCase()} ${prefix}${layer.route.path}`);
      else if (layer.handle?.stack) walk(layer.handle.stack, layer.handle.stack.some((l) => l.route?.path === '/openapi.json') ? '/api/v1' : prefix);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return out;
}

const article = (role: string) => `${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role}`;

interface Ids { batch: string; image: string; pattern: string; webhook: string; key: string; member: string; site: string }

describe('the role matrix: every route, for every role in a team workspace', function () {
  this.timeout(180_000);
  let t: TestApp;
  let admin: SignedUp;
  let team: Team;
  let shared: Ids;
  let foreign: Ids;

  async function seed(workspaceId: number): Promise<Ids> {
    const { batchId, imageIds } = await seedReviewBatch(t.deps, workspaceId, 1, 'Matrix');
    const pattern = await createPattern(t.deps, workspaceId, { name: 'P', instructions: '', schema: '{"type":"object","properties":{"a":{"type":"string"}},"required":["a"],"additionalProperties":false}' });
    const { endpoint } = await createEndpoint(t.deps, workspaceId, { url: 'http://127.0.0.1:9/hook', events: ['image.completed'] });
    const { view } = await createApiKey(t.deps, workspaceId, { name: 'k', scope: 'read' });
    const member = await insertUser(t.deps.db);
    await putMember(t.deps.db, workspaceId, member, 'contributor', Date.now());
    // A WordPress site on an address nothing answers: the routes' role checks come before any call to it.
    const site = `wps_${crypto.randomBytes(9).toString('base64url')}`;
    await insertSite(t.deps.db, { id: site, user_id: workspaceId, site_url: 'http://127.0.0.1:9', site_name: 'Site', user_login: 'editor', password_encrypted: 'x', language: 'en', created_at: Date.now(), updated_at: Date.now() });
    return { batch: batchId, image: imageIds[0]!, pattern: pattern.id, webhook: endpoint.id, key: String(view.id), member: String(member), site };
  }

  const fill = (path: string, ids: Ids) => path
    .replace(/\/batches\/:id/, `/batches/${ids.batch}`).replace(/\/images\/:id/, `/images/${ids.image}`).replace(':imageId', ids.image)
    .replace(/\/patterns\/:id/, `/patterns/${ids.pattern}`).replace(/\/webhooks\/:id/, `/webhooks/${ids.webhook}`)
    .replace(/\/api-keys\/:id/, `/api-keys/${ids.key}`).replace(/\/sites\/:id/, `/sites/${ids.site}`).replace(':runId', 'run_none').replace(':userId', ids.member).replace(':number', '1').replace('.:format', '.csv');

  /** The status a signed-in member gets; an event stream is closed as soon as its headers arrive. */
  async function statusFor(person: SignedUp, method: string, path: string): Promise<number> {
    const call = person.agent[method.toLowerCase() as 'get' | 'post'](path);
    if (path.endsWith('/events')) {
      return new Promise((resolve, reject) => {
        call.buffer(false).parse((res, done) => { (res as unknown as { destroy(): void }).destroy(); done(null, null); }).end((err, res) => (res ? resolve(res.status) : reject(err)));
      });
    }
    return (method === 'GET' ? call : call.type('form').send({ _csrf: person.csrf })).then((res) => res.status);
  }

  before(async () => {
    t = await buildTestApp({ ALLOWED_INTERNAL_HOSTS: '127.0.0.1:9' });
    admin = await signUp(t.app);
    team = await createTeam(t.app, admin, 'Matrix team');
    foreign = await seed(admin.user.id);
  });
  after(() => t.close());

  it('knows the access of every route in the router', () => {
    const unknown = routeTable(t.app).filter((route) => !(route in ACCESS));
    expect(unknown, 'routes without an entry in ACCESS').to.deep.equal([]);
  });

  for (const role of ROLES) {
    it(`lets ${article(role)} through only where the role allows, and answers 404 for another workspace's ids`, async () => {
      const person = team.members[role];
      const failures: string[] = [];
      for (const route of routeTable(t.app)) {
        const access = ACCESS[route];
        const [method, path] = route.split(' ') as [string, string];
        if (!access || access === 'public' || access === 'person' || access === 'admin' || path.startsWith('/api/')) continue;
        shared = await seed(team.workspaceId);
        const status = await statusFor(person, method, fill(path, shared));
        const allowed = atLeast(role, access);
        if (allowed && (status === 401 || status === 403 || status >= 500)) failures.push(`${route}: ${status}, expected the ${role} through`);
        if (!allowed && status !== 403) failures.push(`${route}: ${status}, expected 403 for a ${role}`);
        if (allowed && /:(id|userId|imageId|runId)/.test(path)) {
          const other = await statusFor(person, method, fill(path, foreign));
          if (other !== 404) failures.push(`${route} with another workspace's ids: ${other}, expected 404`);
        }
        // What a step may have changed (leaving, a role) is put back, and the person switched back in.
        await putMember(t.deps.db, team.workspaceId, person.user.id, role, Date.now());
        await switchTo(person, team.workspaceId);
      }
      expect(failures).to.deep.equal([]);
    });

    it(`gives ${article(role)}'s API key exactly the role's calls, and 404 for another workspace's ids`, async () => {
      const { key } = await createApiKey(t.deps, team.workspaceId, { name: role, scope: 'write' }, { id: team.members[role].user.id, role });
      const failures: string[] = [];
      for (const route of routeTable(t.app).filter((r) => r.includes(' /api/v1/') && ACCESS[r] !== 'public')) {
        const [method, path] = route.split(' ') as [string, string];
        const access = ACCESS[route] as WorkspaceRole;
        shared = await seed(team.workspaceId);
        const call = (ids: Ids) => request(t.app)[method.toLowerCase() as 'get'](fill(path, ids)).set('Authorization', `Bearer ${key}`).send({});
        const status = (await call(shared)).status;
        const allowed = atLeast(role, access);
        if (allowed && (status === 401 || status === 403 || status >= 500)) failures.push(`${route}: ${status}, expected the ${role} through`);
        if (!allowed && status !== 403) failures.push(`${route}: ${status}, expected 403 for a ${role}`);
        if (allowed && path.includes(':id')) {
          const other = (await call(foreign)).status;
          if (other !== 404) failures.push(`${route} with another workspace's ids: ${other}, expected 404`);
        }
      }
      expect(failures).to.deep.equal([]);
    });
  }
});

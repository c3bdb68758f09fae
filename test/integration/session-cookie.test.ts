import crypto from 'node:crypto';
import express from 'express';
import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { sessionMiddleware } from '../../server/middleware/web-session';
import { DbSessionStore } from '../../server/auth/session-store';

const SECRET = 'a session secret for these tests only';
const CONFIG = { https: false, sessionSecret: SECRET, sessionAbsoluteHours: 12 };
const NAME = 'sightline.sid';

/** express-session's cookie value for `sid`, written here independently of the code under test. */
function expressSessionCookie(sid: string): string {
  const mac = crypto.createHmac('sha256', SECRET).update(sid).digest('base64').replace(/=+$/, '');
  return `${NAME}=${encodeURIComponent(`s:${sid}.${mac}`)}`;
}

describe('session cookies (express-session on the database store)', () => {
  let t: TestApp;
  let app: express.Express;
  const sessionRow = (sid: string) => t.deps.db('sessions').where({ sid }).first();
  const rowCount = async () => Number((await t.deps.db('sessions').count({ n: '*' }).first())?.n);

  beforeEach(async () => {
    t = await buildTestApp();
    const store = new DbSessionStore(t.deps.db, t.clock, { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 });
    app = express();
    app.use(sessionMiddleware(CONFIG, store));
    const session = (req: express.Request) => req.session as unknown as Record<string, unknown>;
    app.get('/look', (req, res) => void res.json({ sid: req.sessionID, note: session(req).note ?? null }));
    app.get('/set', (req, res) => {
      session(req).note = req.query.note;
      res.json({ sid: req.sessionID });
    });
    app.get('/stream', (req, res) => {
      session(req).note = 'streamed';
      res.write('first part;');
      res.end('second part');
    });
    app.get('/destroy', (req, res, next) => {
      req.session.destroy((err) => (err ? next(err) : res.json({ ended: req.session === undefined })));
    });
    app.get('/regenerate', (req, res, next) => {
      const before = req.sessionID;
      req.session.regenerate((err) => {
        if (err) return next(err);
        session(req).note = 'fresh';
        res.json({ before, after: req.sessionID });
      });
    });
  });
  afterEach(async () => t.close());

  it('writes nothing and sets no cookie for a visitor whose session stays empty', async () => {
    const res = await request(app).get('/look').expect(200);
    expect(res.headers['set-cookie']).to.equal(undefined);
    expect(await rowCount()).to.equal(0);
  });

  it('saves a changed session before the response is sent, with an HttpOnly SameSite=Lax cookie', async () => {
    const res = await request(app).get('/set?note=hello').expect(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).to.match(/^sightline\.sid=s%3A/).and.contain('HttpOnly').and.contain('SameSite=Lax').and.contain('Path=/');
    expect(cookie).to.not.contain('Secure');
    expect(JSON.parse((await sessionRow(res.body.sid)).data)).to.include({ note: 'hello' });
  });

  it('reads a cookie in the format express-session wrote, so existing sessions survive', async () => {
    const sid = 'an-existing-session-id';
    await t.deps.db('sessions').insert({ sid, user_id: null, data: JSON.stringify({ cookie: {}, note: 'kept' }), created_at: Date.now(), expires_at: Date.now() + 60_000 });
    const res = await request(app).get('/look').set('Cookie', expressSessionCookie(sid)).expect(200);
    expect(res.body).to.deep.equal({ sid, note: 'kept' });
  });

  it('ends a session stored without its cookie settings (as the earlier cookie code wrote them) instead of failing', async () => {
    const sid = 'a-session-from-before';
    await t.deps.db('sessions').insert({ sid, user_id: null, data: JSON.stringify({ note: 'old' }), created_at: Date.now(), expires_at: Date.now() + 60_000 });
    const res = await request(app).get('/look').set('Cookie', expressSessionCookie(sid)).expect(200);
    expect(res.body.note).to.equal(null);
    expect(res.body.sid).to.not.equal(sid);
    expect(await sessionRow(sid)).to.equal(undefined);
  });

  it('sends no cookie and writes nothing when a loaded session is left unchanged', async () => {
    const first = await request(app).get('/set?note=same').expect(200);
    const cookie = String(first.headers['set-cookie']).split(';')[0];
    const before = await sessionRow(first.body.sid);
    const again = await request(app).get('/look').set('Cookie', cookie).expect(200);
    expect(again.body.note).to.equal('same');
    expect(again.headers['set-cookie']).to.equal(undefined);
    expect(await sessionRow(first.body.sid)).to.deep.equal(before);
  });

  it('ignores a cookie whose signature does not match, and one for a session that is gone', async () => {
    await t.deps.db('sessions').insert({ sid: 'victim', user_id: null, data: '{"note":"secret"}', created_at: Date.now(), expires_at: Date.now() + 60_000 });
    const forged = `${NAME}=${encodeURIComponent('s:victim.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')}`;
    const res = await request(app).get('/look').set('Cookie', forged).expect(200);
    expect(res.body.note).to.equal(null);
    expect(res.body.sid).to.not.equal('victim');
    const gone = await request(app).get('/look').set('Cookie', expressSessionCookie('no-such-session')).expect(200);
    expect(gone.body).to.include({ note: null }).and.not.include({ sid: 'no-such-session' });
    const garbled = await request(app).get('/look').set('Cookie', `${NAME}=%E0%A4%A; other=1`).expect(200);
    expect(garbled.body.note).to.equal(null);
  });

  it('passes on a store that cannot be read, as an error', async () => {
    class BrokenStore extends DbSessionStore {
      override get(_sid: string, cb: (err?: unknown) => void): void {
        cb(new Error('database is locked'));
      }
    }
    const broken = express();
    broken.use(sessionMiddleware(CONFIG, new BrokenStore(t.deps.db, t.clock, { idleMs: 60_000, absoluteMs: 60_000 })));
    broken.get('/look', (_req, res) => void res.send('should not be reached'));
    broken.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => void res.status(500).send(err.message));
    const res = await request(broken).get('/look').set('Cookie', expressSessionCookie('any')).expect(500);
    expect(res.text).to.equal('database is locked');
  });

  it('destroys: the row is deleted and nothing is saved or sent afterwards', async () => {
    const first = await request(app).get('/set?note=bye').expect(200);
    const cookie = String(first.headers['set-cookie']).split(';')[0];
    const res = await request(app).get('/destroy').set('Cookie', cookie).expect(200);
    expect(res.body).to.deep.equal({ ended: true });
    expect(res.headers['set-cookie']).to.equal(undefined);
    expect(await rowCount()).to.equal(0);
  });

  it('sets the cookie and saves on a response written in parts', async () => {
    const res = await request(app).get('/stream').expect(200);
    expect(res.text).to.equal('first part;second part');
    const sid = decodeURIComponent(String(res.headers['set-cookie']).split(';')[0].split('=')[1]).slice(2).split('.')[0];
    expect(JSON.parse((await sessionRow(sid)).data)).to.include({ note: 'streamed' });
  });

  it('holds the response back until a slow save has finished', async () => {
    let savedAt = 0;
    class SlowStore extends DbSessionStore {
      override set(sid: string, data: Parameters<DbSessionStore['set']>[1], cb?: (err?: unknown) => void): void {
        setTimeout(() => super.set(sid, data, (err) => { savedAt = performance.now(); cb?.(err); }), 100);
      }
    }
    const slow = express();
    slow.use(sessionMiddleware(CONFIG, new SlowStore(t.deps.db, t.clock, { idleMs: 60_000, absoluteMs: 60_000 })));
    slow.get('/set', (req, res) => {
      (req.session as unknown as Record<string, unknown>).note = 'slow';
      res.redirect(303, '/done');
    });
    await request(slow).get('/set').expect(303);
    const receivedAt = performance.now();
    expect(savedAt).to.be.greaterThan(0).and.at.most(receivedAt);
  });

  it('answers with an error when a save the route waits for fails (as sign-in does), and reports a failed save at the end', async () => {
    class FailingStore extends DbSessionStore {
      override set(_sid: string, _data: unknown, cb?: (err?: unknown) => void): void {
        cb?.(new Error('disk full'));
      }
    }
    const reported: string[] = [];
    const failing = express();
    failing.use(sessionMiddleware(CONFIG, new FailingStore(t.deps.db, t.clock, { idleMs: 60_000, absoluteMs: 60_000 })));
    // passport's req.login regenerates and then saves the session before its callback runs.
    failing.get('/login', (req, res, next) => {
      (req.session as unknown as Record<string, unknown>).note = 'signed in';
      req.session.save((err) => (err ? next(err) : res.redirect(303, '/')));
    });
    // Saved when the response ends: express-session has sent the head by then, so the error can
    // only be reported, not answered.
    failing.get('/set', (req, res) => {
      (req.session as unknown as Record<string, unknown>).note = 'lost';
      res.redirect(303, '/done');
    });
    failing.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      reported.push(err.message);
      if (!res.headersSent) res.status(500).send('could not save');
    });
    const res = await request(failing).get('/login').expect(500);
    expect(res.text).to.equal('could not save');
    await request(failing).get('/set');
    const deadline = Date.now() + 2000;
    while (reported.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(reported).to.deep.equal(['disk full', 'disk full']);
    expect(await rowCount()).to.equal(0);
  });

  it('regenerates: the old row is deleted and the new id is saved and sent', async () => {
    const first = await request(app).get('/set?note=old').expect(200);
    const cookie = String(first.headers['set-cookie']).split(';')[0];
    const res = await request(app).get('/regenerate').set('Cookie', cookie).expect(200);
    expect(res.body.before).to.equal(first.body.sid);
    expect(res.body.after).to.not.equal(first.body.sid);
    expect(await sessionRow(first.body.sid)).to.equal(undefined);
    expect(JSON.parse((await sessionRow(res.body.after)).data)).to.include({ note: 'fresh' });
    expect(String(res.headers['set-cookie'])).to.contain(encodeURIComponent(`s:${res.body.after}.`));
  });
});

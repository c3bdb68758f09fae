import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../helpers/test-app';
import { testDatabaseKind } from '../helpers/test-database';
import { signUp } from '../helpers/session';
import { seedReviewBatch } from '../helpers/review-seed';
import { createTeam, type Team } from '../helpers/workspace-seed';
import { postgresFileBytes } from '../helpers/postgres-files';

describe('an editor\'s comment when sending text back, on PostgreSQL', () => {
  let t: TestApp;
  let team: Team;
  before(async () => {
    expect(testDatabaseKind(), 'run with SIGHTLINE_TEST_DATABASE=postgres').to.equal('postgres');
    t = await buildTestApp();
    team = await createTeam(t.app, await signUp(t.app));
  });
  after(() => t.close());

  it('is sealed under the workspace\'s key: not in the table files or the WAL, yet shown on the image\'s page', async () => {
    const { imageIds } = await seedReviewBatch(t.deps, team.workspaceId, 1, 'Sealed comments');
    const editor = team.members.editor;
    const comment = 'Quokkaesque headline needs the name';
    await editor.agent.post(`/images/${imageIds[0]}/approval`).type('form').send({ _csrf: editor.csrf, step: 'approve' }).expect(303);
    await editor.agent.post(`/images/${imageIds[0]}/approval`).type('form').send({ _csrf: editor.csrf, step: 'send_back', comment }).expect(303);
    const files = await postgresFileBytes(t.deps.db);
    expect(files.tables.includes('Quokkaesque'), 'in the table files').to.equal(false);
    expect(files.wal.includes('Quokkaesque'), 'in the WAL').to.equal(false);
    expect((await team.members.contributor.agent.get(`/images/${imageIds[0]}`).expect(200)).text).to.include(comment);
  });
});

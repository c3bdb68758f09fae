import type { Deps } from '../../server/deps';

/**
 * Every page of Sightline, for the accessibility and CSP checks in `pages.test.ts`.
 * Add yours here: `as` is who looks at it; `path` may be computed from data made in `prepare`
 * (it receives the deps and the ids of the signed-in test accounts).
 */
export interface PageUnderTest {
  name: string;
  as: 'visitor' | 'user' | 'admin';
  path: string | ((ctx: PageContext) => Promise<string>);
  /** The status the page answers with (error pages are pages too). */
  status?: number;
}

export interface PageContext {
  deps: Deps;
  adminId: number;
  userId: number;
}

export const PAGES: PageUnderTest[] = [
  { name: 'sign in', as: 'visitor', path: '/login' },
  { name: 'sign up unavailable (invite only)', as: 'visitor', path: '/signup', status: 403 },
  { name: 'not found', as: 'visitor', path: '/no-such-page', status: 404 },
  { name: 'dashboard', as: 'user', path: '/' },
  { name: 'account', as: 'user', path: '/account' },
  { name: 'not found, signed in', as: 'user', path: '/no-such-page', status: 404 },
  { name: 'admin: users', as: 'admin', path: '/admin/users' },
  { name: 'admin: invites', as: 'admin', path: '/admin/invites' },
  { name: 'admin: security log', as: 'admin', path: '/admin/audit' },
  { name: 'upload images', as: 'user', path: '/images/new' },
  {
    name: 'batch results',
    as: 'user',
    path: async ({ deps, userId }) => {
      const { seedDescribedBatch } = await import('../helpers/ingest-seed');
      return `/batches/${(await seedDescribedBatch(deps, userId)).batchId}`;
    },
  },
  {
    name: 'batch results with a history and a new description waiting',
    as: 'user',
    path: async ({ deps, userId }) => {
      const { seedDescribedBatch } = await import('../helpers/ingest-seed');
      const { editDescription } = await import('../../server/services/results');
      const { storeGeneratedResult } = await import('../../server/db/description-versions');
      const { descriptionColumns } = await import('../../server/db/descriptions');
      const { batchId, imageIds } = await seedDescribedBatch(deps, userId);
      await editDescription(deps, userId, imageIds[0], { alt_text: 'A young eagle on the shore, edited', tags: 'eagle' });
      const now = deps.clock.now().getTime();
      const provenance = { describer: 'openai' as const, model: 'test-model', promptVersion: 'p1', inputTokens: 1, outputTokens: 1, durationMs: 1, draft: false, notes: [] };
      const d = { alt_text: 'An eagle stands at the water', caption: '', title: '', description: '', tags: [], filename: 'eagle.jpg', text: '', decorative: false, manifest: null, provenance };
      await deps.db.transaction((trx) => storeGeneratedResult(trx, { imageId: imageIds[0], userId, columns: descriptionColumns(d, userId, now), optionsJson: '{"language":"en"}', replaceEdits: false, now }));
      return `/batches/${batchId}`;
    },
  },
  {
    name: 'library, searched',
    as: 'user',
    path: async ({ deps, userId }) => {
      const { seedDescribedBatch } = await import('../helpers/ingest-seed');
      await seedDescribedBatch(deps, userId);
      return '/images?q=eagle';
    },
  },
  {
    name: 'delete an image (confirmation)',
    as: 'user',
    path: async ({ deps, userId }) => {
      const { seedDescribedBatch } = await import('../helpers/ingest-seed');
      return `/images/${(await seedDescribedBatch(deps, userId)).imageIds[0]}/delete?back=%2Fimages`;
    },
  },
  {
    name: 'delete a batch (confirmation)',
    as: 'user',
    path: async ({ deps, userId }) => `/batches/${(await (await import('../helpers/ingest-seed')).seedDescribedBatch(deps, userId)).batchId}/delete`,
  },
  {
    name: 'sign up with an invite',
    as: 'visitor',
    path: async ({ deps, adminId }) => {
      const { createInvite } = await import('../../server/services/accounts/admin');
      return `/signup?invite=${await createInvite(deps, null, adminId)}`;
    },
  },
  { name: 'API keys', as: 'user', path: '/account/api-keys' },
  { name: 'webhooks', as: 'user', path: '/account/webhooks' },
  {
    name: 'webhook delivery log',
    as: 'user',
    path: async ({ deps, userId }) => {
      const { createEndpoint } = await import('../../server/webhooks/endpoints');
      const publicAnswer = async () => [{ address: '93.184.216.34', family: 4 }];
      const { endpoint } = await createEndpoint(deps, userId, { url: 'https://hooks.example.com/sightline', events: ['image.completed'] }, publicAnswer);
      return `/account/webhooks/${endpoint.id}`;
    },
  },
  { name: 'patterns', as: 'user', path: '/patterns' },
  { name: 'new pattern', as: 'user', path: '/patterns/new' },
  {
    name: 'pattern',
    as: 'user',
    path: async ({ deps, userId }) => {
      const { createPattern } = await import('../../server/patterns');
      const schema = '{"type":"object","additionalProperties":false,"required":["colour"],"properties":{"colour":{"type":"string"}}}';
      return `/patterns/${(await createPattern(deps, userId, { name: 'Colour', instructions: 'The main colour', schema })).id}`;
    },
  },
  { name: 'usage', as: 'user', path: '/account/usage' },
  { name: 'admin: quotas', as: 'admin', path: '/admin/quotas' },
  { name: 'API documentation', as: 'visitor', path: '/docs/api' },
  {
    name: 'describe one image (enabled)',
    as: 'visitor',
    path: async ({ deps }) => {
      const { updateInstancePrivacy } = await import('../../server/services/privacy/instance');
      await updateInstancePrivacy(deps, { public_describe_page: 'on' });
      return '/try';
    },
  },
];

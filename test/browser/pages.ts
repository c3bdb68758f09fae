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

/** What people really name things: long, and without a space to break at. */
const LONG = {
  files: [
    'IMG_20240607_183512_HDR_eagle-on-the-shore-of-the-lake-at-sunset_final-version-2.jpg',
    'product-photo_sku-0000123456789_colour-variant-midnight-blue_front-view_3000x3000.png',
    'scan_0000000000000000000000000000000000000000000000000000000000000000001.jpg',
  ] as [string, string, string],
  batch: 'Summer-catalogue-2024_product-photography_all-variants_retouched_export-for-the-web-shop',
  url: 'https://hooks.example.com/sightline/webhooks/receive-description-events/0123456789abcdef0123456789abcdef',
};

export const PAGES: PageUnderTest[] = [
  { name: 'sign in', as: 'visitor', path: '/login' },
  { name: 'sign up unavailable (invite only)', as: 'visitor', path: '/signup', status: 403 },
  { name: 'not found', as: 'visitor', path: '/no-such-page', status: 404 },
  { name: 'dashboard', as: 'user', path: '/' },
  { name: 'account', as: 'user', path: '/account' },
  { name: 'not found, signed in', as: 'user', path: '/no-such-page', status: 404 },
  { name: 'admin: users', as: 'admin', path: '/admin/users' },
  {
    name: 'admin: invites',
    as: 'admin',
    path: async ({ deps, adminId }) => {
      const { createInvite } = await import('../../server/services/accounts/admin');
      await createInvite(deps, null, adminId);
      return '/admin/invites';
    },
  },
  { name: 'admin: security log', as: 'admin', path: '/admin/audit' },
  {
    name: 'admin: describers',
    as: 'admin',
    path: async ({ deps, adminId }) => {
      const { seedComparison } = await import('../helpers/comparison-seed');
      await seedComparison(deps, adminId, { count: 1 });
      return '/admin/describers';
    },
  },
  { name: 'admin: compare describers', as: 'admin', path: '/admin/comparisons' },
  {
    name: 'comparisons to vote on',
    as: 'user',
    path: async ({ deps, userId }) => {
      await (await import('../helpers/comparison-seed')).seedComparison(deps, userId);
      return '/comparisons';
    },
  },
  {
    name: 'admin: comparison, blind',
    as: 'admin',
    path: async ({ deps, adminId }) => {
      const { seedComparison } = await import('../helpers/comparison-seed');
      return `/comparisons/${(await seedComparison(deps, adminId, { text: (d, i) => `${LONG.files[i % 3]} ${d ? 'short' : 'a much longer alt text that wraps over several lines'}` })).id}`;
    },
  },
  {
    name: 'admin: comparison, names shown',
    as: 'admin',
    path: async ({ deps, adminId }) => `/comparisons/${(await (await import('../helpers/comparison-seed')).seedComparison(deps, adminId)).id}?reveal=1`,
  },
  { name: 'admin: sign-in', as: 'admin', path: '/admin/sign-in' },
  { name: 'account: sign-in and two-factor', as: 'admin', path: '/account/two-factor' },
  {
    name: 'account: setting up an authenticator app',
    as: 'user',
    path: async ({ deps, userId }) => {
      const { startTotpEnrolment } = await import('../../server/services/two-factor/totp');
      await startTotpEnrolment(deps, userId);
      return '/account/two-factor';
    },
  },
  { name: 'upload images', as: 'user', path: '/images/new' },
  { name: 'audit alt text', as: 'user', path: '/audit' },
  {
    name: 'dashboard with long batch names',
    as: 'user',
    path: async ({ deps, userId }) => {
      const { seedDescribedBatch } = await import('../helpers/ingest-seed');
      await seedDescribedBatch(deps, userId, LONG);
      return '/';
    },
  },
  {
    name: 'batch results with long file names',
    as: 'user',
    path: async ({ deps, userId }) => {
      const { seedDescribedBatch } = await import('../helpers/ingest-seed');
      return `/batches/${(await seedDescribedBatch(deps, userId, LONG)).batchId}`;
    },
  },
  {
    name: 'library with long file names',
    as: 'user',
    path: async ({ deps, userId }) => {
      const { seedDescribedBatch } = await import('../helpers/ingest-seed');
      await seedDescribedBatch(deps, userId, LONG);
      return '/images?q=IMG_20240607';
    },
  },
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
    name: 'library as a table',
    as: 'user',
    path: async ({ deps, userId }) => {
      const { seedDescribedBatch } = await import('../helpers/ingest-seed');
      await seedDescribedBatch(deps, userId, LONG);
      return '/images?view=table';
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
  {
    name: 'API keys, with keys',
    as: 'user',
    path: async ({ deps, userId }) => {
      const { createApiKey } = await import('../../server/services/api-keys');
      await createApiKey(deps, userId, { name: 'shop-import-script_running-on-the-warehouse-server-in-the-basement', scope: 'write' });
      return '/account/api-keys';
    },
  },
  {
    name: 'revoke an API key (confirmation)',
    as: 'user',
    path: async ({ deps, userId }) => {
      const { createApiKey, listApiKeys } = await import('../../server/services/api-keys');
      await createApiKey(deps, userId, { name: 'nightly-sync_from-the-content-management-system', scope: 'read' });
      const key = (await listApiKeys(deps, userId)).find((k) => k.name.startsWith('nightly-sync'))!;
      return `/account/api-keys/${key.id}/revoke`;
    },
  },
  {
    name: 'webhooks, with an endpoint',
    as: 'user',
    path: async ({ deps, userId }) => {
      const { createEndpoint } = await import('../../server/webhooks/endpoints');
      const publicAnswer = async () => [{ address: '93.184.216.34', family: 4 }];
      await createEndpoint(deps, userId, { url: LONG.url, events: ['image.completed'] }, publicAnswer);
      return '/account/webhooks';
    },
  },
  {
    name: 'webhook delivery log',
    as: 'user',
    path: async ({ deps, userId }) => {
      const { createEndpoint } = await import('../../server/webhooks/endpoints');
      const publicAnswer = async () => [{ address: '93.184.216.34', family: 4 }];
      const { endpoint } = await createEndpoint(deps, userId, { url: LONG.url, events: ['image.completed'] }, publicAnswer);
      return `/account/webhooks/${endpoint.id}`;
    },
  },
  {
    name: 'batch as a review table, long names and text',
    as: 'user',
    path: async ({ deps, userId }) => {
      const { seedDescribedBatch } = await import('../helpers/ingest-seed');
      return `/batches/${(await seedDescribedBatch(deps, userId, LONG)).batchId}?view=table`;
    },
  },
  {
    name: 'one image on its own page',
    as: 'user',
    path: async ({ deps, userId }) => {
      const { seedDescribedBatch } = await import('../helpers/ingest-seed');
      return `/images/${(await seedDescribedBatch(deps, userId, LONG)).imageIds[0]}`;
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
  { name: 'workspaces (admin)', as: 'admin', path: '/workspaces' },
  { name: 'personal workspace', as: 'user', path: '/workspace' },
  { name: 'admin: quotas', as: 'admin', path: '/admin/quotas' },
  {
    name: 'admin: workspaces',
    as: 'admin',
    path: async ({ deps, adminId }) => {
      const { createTeamWorkspace } = await import('../../server/services/workspaces');
      await createTeamWorkspace(deps, null, adminId, { name: 'Accessibility-review-team_for-the-summer-catalogue-2024' });
      // One whose last owner has gone: the page marks it.
      const ownerless = await createTeamWorkspace(deps, null, adminId, { name: 'Archive desk' });
      await deps.db('workspace_members').where({ workspace_id: ownerless }).del();
      return '/admin/workspaces';
    },
  },
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
  { name: 'WordPress sites', as: 'user', path: '/wordpress' },
  {
    name: 'WordPress site with images to fix and a write-back',
    as: 'user',
    path: async ({ deps, userId }) => {
      const { seedWordPressSite } = await import('../helpers/wordpress-seed');
      return `/wordpress/sites/${await seedWordPressSite(deps, userId, LONG)}`;
    },
  },
];

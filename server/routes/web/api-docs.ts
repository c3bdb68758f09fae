import { Router } from 'express';
import type { Deps } from '../../deps';
import { openApiDocument } from '../../api-docs/openapi';
import { operationsOf } from '../../api-docs/operations';
import { verificationSnippet } from '../../api-docs/snippets';

/** `/docs/api`: the OpenAPI document rendered as a page, for people; public like the document itself. */
export function apiDocsRoutes(deps: Deps): Router {
  const router = Router();
  router.get('/docs/api', (_req, res) => {
    const document = openApiDocument(deps.config.baseUrl ?? '');
    res.render('docs/api', { title: 'API documentation', document, operations: operationsOf(document), snippet: verificationSnippet });
  });
  return router;
}

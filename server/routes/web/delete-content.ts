import { Router } from 'express';
import type { Deps } from '../../deps';
import { requireRole, scopeOf } from '../../middleware/workspace';
import { flash } from '../../middleware/flash';
import { HttpError } from '../../middleware/errors';
import {
  batchToDelete,
  deleteBatchForUser,
  deleteImageForUser,
  imageToDelete,
  type ContentToDelete,
} from '../../services/data-rights/delete-content';

const imageNotFound = () => new HttpError(404, 'We could not find that image.', 'not_found');
const batchNotFound = () => new HttpError(404, 'We could not find that batch.', 'not_found');

/**
 * Where a delete started from the library returns to: the library with its search and page, and
 * nothing else (an arbitrary address here would make the form an open redirect).
 */
function libraryReturn(value: unknown): string | undefined {
  return typeof value === 'string' && /^\/images(\?[A-Za-z0-9%&=+*._-]*)?$/.test(value) ? value : undefined;
}

const plural = (n: number, one: string, many: string) => (n === 1 ? `1 ${one}` : `${n} ${many}`);

function receiptsKept(deleted: ContentToDelete): string {
  if (deleted.receipts === 0) return '';
  const what = deleted.receipts === 1 ? 'A deletion receipt is' : `${deleted.receipts} deletion receipts are`;
  return ` ${what} kept under Account → Privacy.`;
}

function imageDeleted(deleted: ContentToDelete): string {
  return `Deleted “${deleted.name}” with its text${deleted.receipts ? ' and working copy' : ''}.${receiptsKept(deleted)}`;
}

function batchDeleted(deleted: ContentToDelete): string {
  const batch = deleted.name ? `the batch “${deleted.name}”` : 'the batch';
  return `Deleted ${batch} with its ${plural(deleted.images, 'image', 'images')} and their text.${receiptsKept(deleted)}`;
}

/** Deleting an image or a whole batch: a confirmation page (works without JavaScript), then a POST. */
export function deleteContentRoutes(deps: Deps): Router {
  const router = Router();

  router.get('/images/:id/delete', requireRole('editor'), async (req, res) => {
    const id = req.params.id as string;
    const image = await imageToDelete(deps, scopeOf(req), id);
    if (!image) throw imageNotFound();
    const back = libraryReturn(req.query.back);
    res.render('images/delete', { title: `Delete ${image.name}`, id, image, back, cancel: back ?? `/batches/${image.batchId}#image-${id}` });
  });

  router.post('/images/:id/delete', requireRole('editor'), async (req, res) => {
    const deleted = await deleteImageForUser(deps, scopeOf(req), req.params.id as string);
    if (!deleted) throw imageNotFound();
    flash(req, 'success', imageDeleted(deleted));
    res.redirect(303, libraryReturn((req.body as { back?: unknown }).back) ?? `/batches/${encodeURIComponent(deleted.batchId)}`);
  });

  router.get('/batches/:id/delete', requireRole('editor'), async (req, res) => {
    const batch = await batchToDelete(deps, scopeOf(req), req.params.id as string);
    if (!batch) throw batchNotFound();
    res.render('batches/delete', { title: 'Delete this batch', batch });
  });

  router.post('/batches/:id/delete', requireRole('editor'), async (req, res) => {
    const deleted = await deleteBatchForUser(deps, scopeOf(req), req.params.id as string);
    if (!deleted) throw batchNotFound();
    flash(req, 'success', batchDeleted(deleted));
    // The dashboard lists the batches that remain.
    res.redirect(303, '/');
  });

  return router;
}

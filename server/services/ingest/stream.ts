import type { Deps } from '../../deps';
import type { DescribeOptions } from '../../describers/types';
import { HttpError } from '../../middleware/errors';
import { endReceiving } from '../../queue/results';
import { addUploadsToBatch, createBatch, discardUploads, type PreparedUpload } from '.';
import { formOptions, rememberOptions, submitUpload, type Submitted } from './submit';
import { assertWithinQuota, quotaFor, QuotaExceededError } from '../usage';
import { deleteBatchForUser } from '../data-rights/delete-content';
import { cancelBatch } from '../describe/control';
import { batchRetentionChoice } from '../retention/settings';

/**
 * How long a batch counts as still arriving after its latest image was stored. Each image extends
 * it; it only matters when the web process dies mid-upload, so it is generous for slow links.
 */
const RECEIVING_LEASE_MS = 10 * 60_000;

/** What became of one file handed to the intake. */
export type Fate = 'committed' | 'discarded' | 'held';

/**
 * One upload form submission, taken in as its files arrive. When the option fields come before the
 * files (the upload script sends them so), each prepared file is committed at once, image and job in
 * one transaction, so the worker describes the first image while the rest are still on the wire; the
 * batch is marked as still receiving until the body ends, so it cannot finish early. Files sent
 * before any field, or by an account whose quota this upload could pass without having said its
 * size (`image_count`), are held and committed together at the end, as one all-or-nothing batch.
 *
 * The options are the fields sent before the first file; the form and the script send all of them
 * there. A refusal (limit, quota, bad option) takes back what was committed, so "nothing was
 * uploaded" stays true; a client that goes away keeps the images already stored, and they are described.
 */
interface Slot {
  arrived: boolean;
  upload?: PreparedUpload;
  settle: (fate: Fate | undefined) => void;
}

export class UploadIntake {
  /** Files in the order their parts began; each waits there until it and those before it are prepared. */
  private readonly slots: Slot[] = [];
  private readonly fates: Promise<unknown>[] = [];
  private committing = false;
  private fields: Record<string, unknown> | undefined;
  private mode: 'stream' | 'held' | undefined;
  private options: DescribeOptions | undefined;
  private batchId: string | undefined;
  private receivingUntil = 0;
  private failure: unknown;
  private readonly held: PreparedUpload[] = [];
  private readonly counts = { ready: 0, refused: 0 };

  constructor(private readonly deps: Deps, private readonly userId: number, private readonly maxFiles: number) {}

  /**
   * Called as a file part begins, in the order parts arrive, with the fields received so far. The
   * returned function takes the prepared file (undefined when it never arrived whole) once it is
   * ready, and resolves with what became of it. Files are committed in arrival order whatever order
   * their preparation finishes in; those ready while a commit runs go together in the next one.
   */
  turn(fieldsSoFar: Record<string, unknown>): (upload: PreparedUpload | undefined) => Promise<Fate | undefined> {
    this.fields ??= { ...fieldsSoFar };
    let settle!: (fate: Fate | undefined) => void;
    const fate = new Promise<Fate | undefined>((resolve) => (settle = resolve));
    const slot: Slot = { arrived: false, settle };
    this.slots.push(slot);
    this.fates.push(fate);
    return (upload) => {
      slot.arrived = true;
      slot.upload = upload;
      void this.pump();
      return fate;
    };
  }

  /** Everything handed in so far has been committed, held or discarded. */
  private async settled(): Promise<void> {
    await Promise.all(this.fates);
  }

  private async pump(): Promise<void> {
    if (this.committing) return;
    this.committing = true;
    try {
      for (;;) {
        const waiting = this.slots.findIndex((slot) => !slot.arrived);
        const group = this.slots.splice(0, waiting === -1 ? this.slots.length : waiting);
        if (group.length === 0) return;
        const uploads = group.flatMap((slot) => (slot.upload ? [slot.upload] : []));
        const fate = uploads.length ? await this.take(uploads) : undefined;
        for (const slot of group) slot.settle(slot.upload ? fate : undefined);
      }
    } finally {
      this.committing = false;
    }
  }

  private async take(uploads: PreparedUpload[]): Promise<Fate> {
    for (const upload of uploads) this.counts[upload.status] += 1;
    if (this.mode === undefined) {
      try {
        this.mode = await this.chooseMode();
      } catch (err) {
        this.mode = 'stream';
        this.failure = err;
      }
    }
    if (this.mode === 'held') {
      this.held.push(...uploads);
      return 'held';
    }
    try {
      if (this.failure) throw this.failure;
      await this.commit(uploads);
      return 'committed';
    } catch (err) {
      this.failure ??= err;
      // Harmless when createBatch or addUploadsToBatch already removed them.
      await discardUploads(this.deps, uploads);
      return 'discarded';
    }
  }

  private async chooseMode(): Promise<'stream' | 'held'> {
    const fields = this.fields ?? {};
    if (Object.keys(fields).length === 0) return 'held';
    this.options = await formOptions(this.deps, this.userId, fields);
    const declared = Number(fields.image_count);
    if (!Number.isInteger(declared) || declared < 1) return (await quotaFor(this.deps, this.userId)) === null ? 'stream' : 'held';
    if (declared > this.maxFiles) throw new HttpError(413, `At most ${this.maxFiles} images per upload. Nothing was uploaded; send them in smaller groups.`, 'limit_file_count');
    await assertWithinQuota(this.deps, this.userId, declared);
    return 'stream';
  }

  private async commit(uploads: PreparedUpload[]): Promise<void> {
    const now = this.deps.clock.now().getTime();
    // The deadline moves only when half of it has passed: one batch-row write per few minutes, not per image.
    const receivingUntil = now > this.receivingUntil - RECEIVING_LEASE_MS / 2 ? now + RECEIVING_LEASE_MS : undefined;
    if (this.batchId) {
      const added = await addUploadsToBatch(this.deps, { userId: this.userId, batchId: this.batchId, uploads, receivingUntil });
      if (!added) throw new HttpError(409, 'The batch was deleted while its images were arriving. Nothing more was uploaded.', 'batch_gone');
    } else {
      const name = typeof this.fields?.name === 'string' ? this.fields.name.trim() : '';
      const imageRetention = batchRetentionChoice(this.deps, this.fields?.image_retention);
      this.batchId = (await createBatch(this.deps, { userId: this.userId, uploads, options: this.options!, name, receivingUntil, imageRetention })).batchId;
    }
    if (receivingUntil) this.receivingUntil = receivingUntil;
  }

  /**
   * The body was read to its end: the batch is complete (its last images may already be described).
   * Held files become a batch now. Throws the refusal, after taking back what was committed.
   */
  async finish(form: Record<string, unknown>): Promise<Submitted> {
    await this.settled();
    if (this.mode !== 'stream') return submitUpload(this.deps, this.userId, this.held, form);
    if (this.failure) {
      await this.takeBack();
      throw await this.refusal();
    }
    await this.endReceiving();
    if (form.remember === 'on') await rememberOptions(this.deps, this.userId, this.options!);
    return { batchId: this.batchId!, accepted: this.counts.ready, refused: this.counts.refused };
  }

  /** The request was refused before its end (a limit, a malformed body): nothing of it stays. */
  async refuse(): Promise<void> {
    await this.settled();
    await discardUploads(this.deps, this.held.splice(0));
    await this.takeBack();
  }

  /** The client went away mid-body: what was committed stays and is described; held files go. */
  async abandon(): Promise<void> {
    await this.settled();
    await discardUploads(this.deps, this.held.splice(0));
    await this.endReceiving();
  }

  private async endReceiving(): Promise<void> {
    if (!this.batchId) return;
    const finished = await endReceiving(this.deps.db, this.batchId, this.deps.clock.now().getTime());
    if (!finished) return;
    this.deps.events.emit('batch.completed', { ...finished, batchId: this.batchId }, (err) => this.deps.logger.error({ err }, 'event listener failed'));
  }

  private async takeBack(): Promise<void> {
    if (!this.batchId) return;
    // Jobs first, as a worker finishing one locks them (job, then image): deleting the image rows
    // under a running job's result would take those locks the other way round (a deadlock on PostgreSQL).
    await cancelBatch(this.deps, this.userId, this.batchId);
    await deleteBatchForUser(this.deps, this.userId, this.batchId);
    this.batchId = undefined;
  }

  /** Over the quota: said with the whole upload's count, as when the files were held. */
  private async refusal(): Promise<unknown> {
    if (!(this.failure instanceof QuotaExceededError)) return this.failure;
    try {
      await assertWithinQuota(this.deps, this.userId, this.counts.ready);
    } catch (err) {
      return err;
    }
    return this.failure;
  }
}

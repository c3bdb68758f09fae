import { scopeOf } from './workspace';
import type { Readable } from 'node:stream';
import type { Request, RequestHandler } from 'express';
import multer, { MulterError } from 'multer';
import type { Deps } from '../deps';
import { HttpError, storageUnavailable } from './errors';
import { BlobStoreUnavailableError } from '../storage';
import { prepareUpload, discardUploads, PreparedUpload } from '../services/ingest';
import { Semaphore } from '../services/ingest/semaphore';
import { UploadIntake, type Fate } from '../services/ingest/stream';

/** Files per request, and the multipart bookkeeping limits multer leaves at Infinity by default. */
export const MAX_FILES_PER_UPLOAD = 100;
const FIELD_LIMITS = { fields: 40, fieldSize: 16 * 1024, fieldNameSize: 100, parts: MAX_FILES_PER_UPLOAD + 40, headerPairs: 100 };

/**
 * How many uploaded originals may sit in memory at once, across all requests. A file's bytes are read
 * only after it gets a slot, so a fast client (or a hundred of them) is held back by TCP instead of
 * filling RAM: peak memory stays near slots × MAX_UPLOAD_MB however many images arrive together.
 */
const originalsInMemory = new Semaphore(4);

type IngestedFile = Express.Multer.File & { prepared?: PreparedUpload; fate?: Fate };

/** The intake of a request that streams its files into a batch as they arrive (the upload form). */
const intakes = new WeakMap<Request, UploadIntake>();

/**
 * A multer storage engine that never touches the disk: it buffers the file in memory, makes the
 * working copy (sharp, under its own cap) and stores only that, encrypted. Multer calls _removeFile
 * for every stored file when the request fails or is aborted, so nothing stays behind.
 */
class WorkingCopyStorage implements multer.StorageEngine {
  constructor(private readonly deps: Deps) {}

  _handleFile(req: Request, file: Express.Multer.File, callback: (error?: unknown, info?: Partial<IngestedFile>) => void): void {
    // Taken when the part begins, so the intake commits files in the order they were sent.
    const settle = intakes.get(req)?.turn({ ...(req.body as Record<string, unknown>) });
    this.ingest(file).then(
      async (prepared) => callback(null, { prepared, fate: await settle?.(prepared) }),
      async (err: unknown) => {
        await settle?.(undefined);
        callback(err);
      },
    );
  }

  /** Multer's clean-up after a failed or aborted request; files the intake took are the intake's to keep or take back. */
  _removeFile(_req: Request, file: IngestedFile, callback: (error: Error | null) => void): void {
    const own = file.prepared && file.fate === undefined ? [file.prepared] : [];
    discardUploads(this.deps, own).then(() => callback(null), callback);
  }

  private async ingest(file: Express.Multer.File): Promise<PreparedUpload | undefined> {
    const release = await originalsInMemory.acquire();
    try {
      const stream = file.stream as Readable & { truncated?: boolean };
      const bytes = await readAll(stream);
      // Over MAX_UPLOAD_MB: multer is already failing the request with LIMIT_FILE_SIZE.
      if (stream.truncated) return undefined;
      return await prepareUpload(this.deps, bytes, file.originalname);
    } finally {
      release();
    }
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The one way this app reads multipart bodies. Browsers (and curl) send a file name as raw UTF-8 in
 * the part header, which busboy would read as Latin-1 (café.jpg → cafÃ©.jpg) unless told otherwise;
 * `filename*=` parameters that name their charset are decoded by that charset either way.
 */
export function multipart(options: multer.Options): multer.Multer {
  return multer({ ...options, defParamCharset: 'utf8' });
}

/** Where a refusal message needs them: the field files go in and how many one request may carry. */
export interface UploadShape {
  field: string;
  maxFiles: number;
}

const LIMIT_MESSAGES: Record<string, (err: MulterError, deps: Deps, shape: UploadShape) => [number, string]> = {
  LIMIT_FILE_SIZE: (err, deps) => [413, `${fileLabel(err)} is larger than the ${deps.config.maxUploadBytes / 1024 / 1024} MB limit per image. Nothing was uploaded.`],
  LIMIT_FILE_COUNT: (_err, _deps, shape) => tooManyFiles(shape),
  LIMIT_PART_COUNT: () => [413, 'The upload has too many parts. Nothing was uploaded.'],
  LIMIT_FIELD_VALUE: () => [413, 'A form field is too long. Nothing was uploaded.'],
  LIMIT_FIELD_COUNT: () => [400, 'The upload has too many form fields. Nothing was uploaded.'],
  LIMIT_FIELD_KEY: () => [400, 'A form field name is too long. Nothing was uploaded.'],
  LIMIT_UNEXPECTED_FILE: (_err, _deps, shape) => [400, `Files must be sent in the "${shape.field}" field. Nothing was uploaded.`],
};

/** One file per request (the API) is a rule about the request's shape; more than a batch holds is its size. */
function tooManyFiles({ field, maxFiles }: UploadShape): [number, string] {
  if (maxFiles === 1) return [400, `Send one image per request: this endpoint takes a single "${field}" part. Nothing was uploaded.`];
  return [413, `At most ${maxFiles} images per upload. Nothing was uploaded; send them in smaller groups.`];
}

/** multer 2.5 names the file on size errors; its type definitions do not say so yet. */
function fileLabel(err: MulterError): string {
  const name = (err as MulterError & { filename?: string }).filename;
  return name ? `"${name.slice(0, 100)}"` : 'A file';
}

/** Turns multer's and busboy's errors into refusals a person can act on; anything else passes through. */
export function uploadRefusal(err: unknown, deps: Deps, shape: UploadShape): unknown {
  if (err instanceof MulterError) {
    const describe = LIMIT_MESSAGES[err.code];
    const [status, message] = describe ? describe(err, deps, shape) : [400, 'The upload was malformed. Nothing was uploaded.'];
    return new HttpError(status, message, err.code.toLowerCase());
  }
  if (err instanceof BlobStoreUnavailableError) return storageUnavailable(deps, err, 'Nothing was uploaded.');
  // busboy's parse errors ("Unexpected end of form", "Malformed part header") are the client's.
  if (err instanceof Error && !(err instanceof HttpError) && /form|part|multipart|boundary/i.test(err.message)) {
    return new HttpError(400, 'The upload was incomplete or malformed. Nothing was uploaded.', 'malformed_upload');
  }
  return err;
}

/**
 * Parses `images` (up to 100 files) and the option fields; req.files then carries PreparedUploads.
 * The API sends one file as `image`, hence the field and count parameters.
 */
export function uploadImages(deps: Deps, field = 'images', maxFiles = MAX_FILES_PER_UPLOAD): RequestHandler {
  const parse = multipart({
    storage: new WorkingCopyStorage(deps),
    limits: { fileSize: deps.config.maxUploadBytes, files: maxFiles, ...FIELD_LIMITS },
  }).array(field, maxFiles);
  return (req, res, next) => parse(req, res, (err?: unknown) => next(err ? uploadRefusal(err, deps, { field, maxFiles }) : undefined));
}

/**
 * The upload form's parser: like uploadImages, but each file goes into a batch as soon as it is
 * prepared (see UploadIntake). On a refusal what was committed is taken back; when the client goes
 * away, it stays. The route finishes the intake with `uploadIntake(req).finish(body)`.
 */
export function streamImages(deps: Deps, field = 'images', maxFiles = MAX_FILES_PER_UPLOAD): RequestHandler {
  const parse = multipart({
    storage: new WorkingCopyStorage(deps),
    limits: { fileSize: deps.config.maxUploadBytes, files: maxFiles, ...FIELD_LIMITS },
  }).array(field, maxFiles);
  return (req, res, next) => {
    const intake = new UploadIntake(deps, scopeOf(req), maxFiles);
    intakes.set(req, intake);
    parse(req, res, (err?: unknown) => {
      if (!err) return next();
      const gone = req.destroyed && !req.readableEnded;
      (gone ? intake.abandon() : intake.refuse()).then(
        () => next(uploadRefusal(err, deps, { field, maxFiles })),
        (cleanup: unknown) => next(cleanup),
      );
    });
  };
}

/** The intake streamImages made for this request. */
export function uploadIntake(req: Request): UploadIntake {
  const intake = intakes.get(req);
  if (!intake) throw new Error('uploadIntake: the route has no streamImages before it');
  return intake;
}

/** The prepared uploads of a request that went through uploadImages, in the order they were sent. */
export function preparedUploads(req: Request): PreparedUpload[] {
  const files = (req.files ?? []) as IngestedFile[];
  return files.flatMap((file) => (file.prepared ? [file.prepared] : []));
}

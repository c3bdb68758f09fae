import path from 'node:path';
import type { Config } from '../../config';
import type { Deps } from '../../deps';

/** What retention needs from the blob store: removing one working copy by key. */
export interface BlobRemover {
  delete(key: string): Promise<void>;
}

export type BlobDeps = Deps & { blobs: BlobRemover };

/** Where working copies live (the blob store writes temp files and renames them inside it). */
export function blobDirectory(config: Config): string {
  return path.join(config.dataDir, 'blobs');
}

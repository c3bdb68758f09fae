import type { LibrarySearch } from '../../db/images';

/**
 * What a user typed into the library's search box: the words the generated text must hold (every
 * word, each as a prefix; only letters, digits and underscores, so no search syntax gets through),
 * and the whole phrase, which may instead appear anywhere in the uploaded file's name.
 */
export function toLibrarySearch(query: string | undefined): LibrarySearch | undefined {
  const phrase = (query ?? '').trim().slice(0, 200);
  if (phrase === '') return undefined;
  const words = phrase.match(/[\p{L}\p{N}_]+/gu)?.slice(0, 12) ?? [];
  return { words, phrase };
}

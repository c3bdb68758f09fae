import type { Describer, DescribeInput, DescribeOptions, Description } from './types';

/**
 * A describer that does something with what `inner` writes (applies a purpose, adds translations),
 * and is otherwise `inner`: same name, destination, honours, translation, closing and warming.
 */
export function wrapDescriber(
  inner: Describer,
  describe: (input: DescribeInput, options: DescribeOptions, signal?: AbortSignal) => Promise<Description>,
): Describer {
  return {
    get name() { return inner.name; },
    get destination() { return inner.destination; },
    get honours() { return inner.honours; },
    describe,
    translate: inner.translate?.bind(inner),
    close: () => inner.close(),
    warm: inner.warm ? () => inner.warm!() : undefined,
  };
}

import { expect } from 'chai';

/** Awaits a promise that must reject with the given error type; answers the error for further checks. */
export async function expectRejection<E extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => E): Promise<E> {
  try {
    await promise;
  } catch (err) {
    expect(err).to.be.instanceOf(type);
    return err as E;
  }
  return expect.fail('expected a rejection');
}

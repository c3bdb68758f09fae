/**
 * How many statements that may write have finished on each database file, through any knex instance
 * of this process. A read made while the count stood at n still holds while it stands at n:
 * anything written since would have moved it. It counts when a statement ends (a COMMIT included),
 * so a read that overlaps a write is taken as stale.
 */
const countsByFile = new Map<string, number>();

export function countWrite(file: string): void {
  countsByFile.set(file, (countsByFile.get(file) ?? 0) + 1);
}

export function writesSoFar(file: string): number {
  return countsByFile.get(file) ?? 0;
}

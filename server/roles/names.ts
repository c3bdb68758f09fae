/** What a process can do; `npm start` runs all three in one process. */
export const ROLES = ['web', 'worker', 'scheduler'] as const;

export type Role = (typeof ROLES)[number];

/**
 * SIGHTLINE_ROLE: unset or empty runs every role; otherwise one role or a comma list
 * ("web,worker"). Returns the roles in boot order, or a message naming what is wrong.
 */
export function parseRoles(value: string | undefined): readonly Role[] | string {
  const words = (value ?? '').split(',').map((word) => word.trim().toLowerCase()).filter(Boolean);
  if (words.length === 0) return ROLES;
  const unknown = words.filter((word) => !(ROLES as readonly string[]).includes(word));
  if (unknown.length) return `unknown role "${unknown.join('", "')}": expected web, worker or scheduler, or a comma list of them`;
  return ROLES.filter((role) => words.includes(role));
}

/** True when this process runs every role: the embedded single-process mode. */
export function runsEveryRole(roles: readonly Role[]): boolean {
  return ROLES.every((role) => roles.includes(role));
}

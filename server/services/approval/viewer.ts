import type { Card } from '../results';
import type { WorkspaceContext } from '../../workspaces/context';

/**
 * A viewer of a workspace that requires approval reads approved text only: every other card keeps its
 * image and state but loses its text, its history and its checks, so none of it reaches the page.
 */
export function approvedTextOnly<T extends Card>(workspace: WorkspaceContext, cards: T[]): (T & { awaitingApproval?: boolean })[] {
  if (!readsApprovedTextOnly(workspace)) return cards;
  return cards.map((card) => (card.image.approval === 'approved'
    ? card
    : { ...card, description: null, history: [], waiting: null, editedFields: [], checks: [], awaitingApproval: true }));
}

/** A viewer of a workspace that requires approval: pages, and searches, go by approved text only. */
export function readsApprovedTextOnly(workspace: WorkspaceContext): boolean {
  return workspace.role === 'viewer' && workspace.approvalRequired;
}

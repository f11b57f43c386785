/**
 * Joining groups (issue 6): the one join decision (previewJoin / acceptJoin, used by token joins in
 * src/server/invites and by the directory), join requests, the group directory, and the record of
 * how memberships came about and how people left.
 */
export { acceptJoin, previewJoin, refusal, type JoinAcceptContext, type JoinContext, type Tx } from './core';
export { JoiningService } from './service';
export { joiningHandlers } from './handlers';

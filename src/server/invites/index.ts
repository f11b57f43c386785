/**
 * Invites (issue 6): signing keys, QR codes / links / live codes, the token side of joining, and
 * the public invite page (`GET /join/<token>`).
 */
export { InviteService, type InviteDeps } from './service';
export { invitesHandlers } from './handlers';
export { INVITE_MIGRATIONS } from './migrations';
export { createInvitePage, type InvitePageDeps } from './page';
export { seedDemoInvites } from './seed';

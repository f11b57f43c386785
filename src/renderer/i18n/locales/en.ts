/**
 * English strings. The key set is the reference: zh-CN must define exactly the same keys (the type
 * below enforces it at compile time, a test at run time — placeholders included).
 * Keys ending in `.one` / `.other` are plural forms picked by Intl.PluralRules.
 */
import { contactsEn } from '../../features/contacts/i18n';
import { adminEn } from '../../features/admin/i18n';
import { groupInfoEn } from '../../features/group-info/i18n';
import { groupsEn } from '../../features/groups/i18n';
import { invitesEn } from '../../features/invites/i18n';
import { joinRequestsEn } from '../../features/join-requests/i18n';
import { scanEn } from '../../features/scan/i18n';
import { joinEn } from '../../features/join/i18n';

const coreEn = {
  'app.name': 'Muster',
  'app.loading': 'Loading your workspace…',
  'app.reload': 'Reload',
  'locale.label': 'Language',

  'auth.title': 'Sign in to Muster',
  'auth.subtitle': 'Your organization’s groups and chats, in one place.',
  'auth.org': 'Organization code',
  'auth.orgHint': 'Ask your administrator if you don’t know it.',
  'auth.account': 'Account',
  'auth.password': 'Password',
  'auth.submit': 'Sign in',
  'auth.submitting': 'Signing in…',
  'auth.missingFields': 'Please enter your organization code, account and password.',
  'auth.sessionEnded': 'Your session has ended. Please sign in again.',
  'auth.signedOut': 'You have signed out.',
  'auth.replaced': 'Someone else signed in on this computer. Sign in again to continue.',

  'shell.signOut': 'Sign out',
  'shell.signingOut': 'Signing out…',
  'shell.userMenu': 'Signed in as {name}',
  'shell.notRemembered':
    'This sign-in won’t be remembered on this computer because it offers no secure storage for it. You’ll need to sign in again next time.',
  'shell.dismiss': 'Dismiss',

  'connection.online': 'Online',
  'connection.connecting': 'Connecting…',
  'connection.offline': 'Offline — messages will be sent when you’re back online',
  'connection.unreachable': 'Can’t reach the server — messages will be sent when it’s back',

  'groups.title': 'Groups',
  'groups.filter': 'Search groups',
  'groups.loading': 'Loading groups…',
  'groups.emptyTitle': 'You’re not in any group yet',
  'groups.emptyBody': 'Ask an administrator to add you to a group. It will appear here as soon as you’re added.',
  'groups.noMatch': 'No group matches “{query}”.',
  'groups.noMessages': 'No messages yet',
  'groups.unread.one': '{count} unread message',
  'groups.unread.other': '{count} unread messages',
  'groups.type.internal': 'Internal',
  'groups.type.external': 'External',
  'groups.type.department': 'Department',
  'groups.type.training': 'Training',

  'chat.emptyTitle': 'Select a group to start chatting',
  'chat.emptyBody': 'Your groups are listed on the left. Use the arrow keys and Enter to open one.',
  'chat.members.one': '{count} member',
  'chat.members.other': '{count} members',
  'chat.loadOlder': 'Load earlier messages',
  'chat.loadingOlder': 'Loading earlier messages…',
  'chat.olderFailed': 'Couldn’t load earlier messages. {reason}',
  'chat.historyStart': 'This is the beginning of the conversation.',
  'chat.noMessages': 'No messages yet. Say hello!',
  'chat.loading': 'Loading messages…',
  'chat.you': 'You',
  'chat.state.sending': 'Sending…',
  'chat.state.waiting': 'Waiting for the network',
  'chat.state.failed': 'Not sent',
  'chat.state.sent': 'Sent',
  'chat.retry': 'Retry',
  'chat.discard': 'Delete',
  'chat.composerLabel': 'Message',
  'chat.composerPlaceholder': 'Write a message — Enter to send, Shift+Enter for a new line',
  'chat.send': 'Send',
  'chat.counter': '{count} / {max}',
  'chat.tooLong': '{count} characters over the limit',
  'chat.today': 'Today',
  'chat.yesterday': 'Yesterday',
  'chat.groupGone': 'This group is no longer available.',
  'chat.announcement': 'Announcement',
  'chat.muted': 'An admin muted you in this group: you can read, but not send messages.',
  'chat.mutedAll': 'Only the owner and admins can send messages while the group is muted.',

  'error.bad_request': 'That request wasn’t accepted. Please check what you entered.',
  'error.unauthorized': 'Your sign-in has expired. Reconnecting…',
  'error.invalid_credentials': 'Wrong organization code, account or password.',
  'error.rate_limited.one': 'Too many attempts. Please try again in {minutes} minute.',
  'error.rate_limited.other': 'Too many attempts. Please try again in {minutes} minutes.',
  'error.forbidden': 'You don’t have permission to do that.',
  'error.not_found': 'That item no longer exists.',
  'error.not_member': 'You are not a member of this group.',
  'error.session_ended': 'Your session has ended. Please sign in again.',
  'error.unavailable': 'Can’t reach the server. Check your network connection and try again.',
  'error.conflict': 'That conflicts with a recent change. Please try again.',
  'error.internal': 'Something went wrong on our side. Please try again later.',

  'error.forbidden.permission': 'You don’t have permission to {action}.',
  'error.reason.group_full': 'The group is full ({memberCount} of {memberCap} members). The owner can raise the limit to 2000, or remove someone first.',
  'error.reason.guest_not_allowed': 'Outside contacts can only be in external or training groups.',
  'error.reason.banned': 'Someone you picked is on this group’s ban list. Unban them in the group info first.',
  'error.reason.owner_must_transfer': 'As the owner you can’t leave: transfer ownership to someone else first, or dissolve the group.',
  'error.reason.not_department_group': 'This isn’t a department group.',
  'error.reason.not_internal': 'Only internal groups can be upgraded to 2000 members.',
  'error.reason.muted': 'You are muted in this group.',
  'error.reason.mute_all': 'Only the owner and admins can send messages while the group is muted.',
  'error.reason.dissolved': 'This group was dissolved.',
  'error.reason.department_group': 'This is a department group: its members follow the org chart. Change the department’s members, or stop its department sync first (group info).',
  'error.reason.target_is_owner': 'The owner keeps their role: transfer ownership instead.',
  'error.reason.not_in_group': 'They are no longer in this group.',
  'error.reason.not_banned': 'They are not on the ban list any more.',
  'error.reason.already_decided': 'This request was already decided.',
  'error.reason.requester_inactive': 'The person who asked is no longer active: reject the request instead.',

  'permission.org.department.manage': 'manage departments',
  'permission.org.member.manage': 'manage members',
  'permission.org.member.import': 'import members',
  'permission.org.directory.hidden': 'see hidden members',
  'permission.org.audit.read': 'read the audit log',
  'permission.org.request.decide': 'approve or reject requests',
  'permission.org.inviteKey.rotate': 'rotate the key that signs invite codes',
  'permission.group.create.internal': 'create an internal group',
  'permission.group.create.training': 'create a training group',
  'permission.group.create.external': 'create an external group',
  'permission.group.read': 'see this group',
  'permission.group.message.send': 'send messages here',
  'permission.group.message.atAll': 'mention everyone (@all)',
  'permission.group.rename': 'rename this group or change its colour',
  'permission.group.announcement': 'edit the announcement',
  'permission.group.settings': 'change the group settings',
  'permission.group.member.add': 'add members',
  'permission.group.member.remove': 'remove this member',
  'permission.group.ban.manage': 'manage the ban list',
  'permission.group.member.mute': 'mute this member',
  'permission.group.role.set': 'change admins',
  'permission.group.ownership.transfer': 'transfer ownership',
  'permission.group.cap.upgrade': 'raise the member limit',
  'permission.group.leave': 'leave this group',
  'permission.group.dissolve': 'dissolve this group',
  'permission.group.dissolve.force': 'force-dissolve groups',
  'permission.group.departmentSync.close': 'turn off department sync',

  'nav.messages': 'Messages',
  'nav.contacts': 'Contacts',
  'nav.admin': 'Admin',
  'nav.label': 'Sections',
  'dialog.close': 'Close',
  'dialog.cancel': 'Cancel',
} as const;

/** Features keep their strings next to them (features/<feature>/i18n.ts); the dictionary is their union. */
export const en = { ...coreEn, ...contactsEn, ...groupInfoEn, ...groupsEn, ...adminEn, ...scanEn, ...invitesEn, ...joinRequestsEn, ...joinEn } as const;

export type MessageKey = keyof typeof en;
export type Dictionary = { readonly [K in MessageKey]: string };

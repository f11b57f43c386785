/**
 * English strings. The key set is the reference: zh-CN must define exactly the same keys (the type
 * below enforces it at compile time, a test at run time — placeholders included).
 * Keys ending in `.one` / `.other` are plural forms picked by Intl.PluralRules.
 */
import { contactsEn } from '../../features/contacts/i18n';
import { adminEn } from '../../features/admin/i18n';
import { groupInfoEn } from '../../features/group-info/i18n';

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

  'nav.messages': 'Messages',
  'nav.contacts': 'Contacts',
  'nav.admin': 'Admin',
  'nav.label': 'Sections',
} as const;

/** Features keep their strings next to them (features/<feature>/i18n.ts); the dictionary is their union. */
export const en = { ...coreEn, ...contactsEn, ...groupInfoEn, ...adminEn } as const;

export type MessageKey = keyof typeof en;
export type Dictionary = { readonly [K in MessageKey]: string };

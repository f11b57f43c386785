import type { PersonRef, SystemEvent } from '../contract/model';

/**
 * How a system message reads, in each language (张伟 邀请 李娜 加入群聊 / Zhang Wei added Li Na).
 * The server stores the event as data and this text as a fallback body; the client renders the
 * event itself in the reader's language with the same function.
 */
export type SystemLocale = 'zh-CN' | 'en';

const nameOf = (p: PersonRef | null, locale: SystemLocale): string => {
  if (!p) return locale === 'en' ? 'The system' : '系统';
  return locale === 'en' && p.nameEn ? p.nameEn : p.name;
};

const list = (people: readonly PersonRef[], locale: SystemLocale): string => {
  const names = people.map((p) => nameOf(p, locale));
  if (locale !== 'en') return names.join('、');
  if (names.length <= 2) return names.join(' and ');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
};

const SETTING_NAMES: Record<string, { 'zh-CN': string; en: string }> = {
  joinVerification: { 'zh-CN': '入群验证', en: 'join verification' },
  searchable: { 'zh-CN': '可被搜索', en: 'searchable' },
  onlyAdminsInvite: { 'zh-CN': '仅群主和管理员可邀请', en: 'only admins may invite' },
  muteAll: { 'zh-CN': '全员禁言', en: 'mute all' },
  atAll: { 'zh-CN': '@所有人权限', en: 'who may @all' },
  newcomerHistory: { 'zh-CN': '新成员可见历史消息', en: 'history for newcomers' },
};

/** How someone came in (member_joined_via): "通过 张伟 分享的二维码" / "via Zhang Wei's QR code". */
const joinedHow = (via: string, sharer: PersonRef | null, locale: SystemLocale): string => {
  const s = sharer ? nameOf(sharer, locale) : null;
  const zh = locale !== 'en';
  switch (via) {
    case 'qr':
      return zh ? (s ? `通过 ${s} 分享的二维码` : '通过群二维码') : s ? `via ${s}'s QR code` : "via the group's QR code";
    case 'live':
      return zh ? (s ? `通过 ${s} 分享的群活码` : '通过群活码') : s ? `via ${s}'s live QR code` : "via the group's live QR code";
    case 'link':
      return zh ? (s ? `通过 ${s} 分享的邀请链接` : '通过邀请链接') : s ? `via ${s}'s invite link` : 'via an invite link';
    case 'directory':
      return zh ? '通过群搜索' : 'from the group directory';
    default:
      return '';
  }
};

export const describeSystemEvent = (e: SystemEvent, locale: SystemLocale): string => {
  const actor = nameOf(e.actor, locale);
  const targets = list(e.targets, locale);
  const first = e.targets[0] ? nameOf(e.targets[0], locale) : '';
  const zh = locale !== 'en';
  const data = e.data ?? {};
  switch (e.type) {
    case 'created':
      return zh ? `${actor} 创建了群聊` : `${actor} created the group`;
    case 'members_added':
      return zh ? `${actor} 邀请 ${targets} 加入群聊` : `${actor} added ${targets}`;
    case 'member_joined':
      return zh ? `${targets} 加入了群聊` : `${targets} joined the group`;
    case 'member_removed':
      return zh ? `${actor} 将 ${first} 移出群聊` : `${actor} removed ${first}`;
    case 'member_banned':
      return zh ? `${actor} 将 ${first} 移出群聊并禁止再次加入` : `${actor} removed ${first} and banned them from rejoining`;
    case 'member_joined_via': {
      const how = joinedHow(String(data['via'] ?? ''), e.targets[1] ?? null, locale);
      if (e.actor) {
        return zh
          ? `${actor} 同意了 ${first} 的入群申请${how ? `（${how}）` : ''}`
          : `${actor} approved ${first}'s request to join${how ? ` (${how})` : ''}`;
      }
      return zh ? `${first} ${how}加入了群聊` : `${first} joined ${how || 'the group'}`;
    }
    case 'member_left':
      return zh ? `${first} 退出了群聊` : `${first} left the group`;
    case 'role_changed':
      return data['role'] === 'admin'
        ? zh
          ? `${actor} 将 ${first} 设为管理员`
          : `${actor} made ${first} an admin`
        : zh
          ? `${actor} 取消了 ${first} 的管理员身份`
          : `${actor} removed ${first} as an admin`;
    case 'owner_transferred':
      return zh ? `${actor} 将群主转让给 ${first}` : `${actor} made ${first} the group owner`;
    case 'renamed':
      return zh ? `${actor} 将群名称修改为「${String(data['name'] ?? '')}」` : `${actor} renamed the group to “${String(data['name'] ?? '')}”`;
    case 'avatar_changed':
      return zh ? `${actor} 修改了群头像` : `${actor} changed the group avatar`;
    case 'announcement':
      return data['text']
        ? zh
          ? `${actor} 发布了群公告：${String(data['text'])}`
          : `${actor} posted an announcement: ${String(data['text'])}`
        : zh
          ? `${actor} 清除了群公告`
          : `${actor} cleared the announcement`;
    case 'settings_changed': {
      const keys = Array.isArray(data['settings']) ? data['settings'] : [];
      const names = keys.map((k) => SETTING_NAMES[k]?.[zh ? 'zh-CN' : 'en'] ?? k).join(zh ? '、' : ', ');
      return zh ? `${actor} 修改了群设置：${names}` : `${actor} changed the group settings: ${names}`;
    }
    case 'member_muted':
      return data['muted']
        ? zh
          ? `${actor} 将 ${first} 禁言`
          : `${actor} muted ${first}`
        : zh
          ? `${actor} 解除了 ${first} 的禁言`
          : `${actor} unmuted ${first}`;
    case 'cap_upgraded':
      return zh ? `${actor} 将群人数上限提升至 ${String(data['cap'])} 人` : `${actor} raised the member limit to ${String(data['cap'])}`;
    case 'department_sync_closed':
      return zh ? `${actor} 关闭了部门群同步，本群成为普通群` : `${actor} turned this department group into an ordinary group`;
    case 'dissolved':
      return zh ? `${actor} 解散了群聊` : `${actor} dissolved the group`;
  }
};

/** The stored fallback body: both languages, Chinese first (older clients show it as is). */
export const systemEventFallback = (e: SystemEvent): string => `${describeSystemEvent(e, 'zh-CN')}\n${describeSystemEvent(e, 'en')}`;

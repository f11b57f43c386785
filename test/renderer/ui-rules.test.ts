import { describe, expect, it } from 'vitest';
import { MessageBody } from '@shared/contract';
import { MESSAGE_MAX_CHARS } from '@shared/rules/limits';
import { COUNTER_FROM, draftState } from '../../src/renderer/features/chat/draft';
import { displayName, nameBook, senderDisplayName } from '../../src/renderer/lib/names';
import { systemText } from '../../src/renderer/features/chat/system';
import { installRejectionLogger } from '../../src/renderer/lib/unhandled';

describe('composer draft', () => {
  it('can send exactly what the contract accepts as a message body', () => {
    const drafts = [
      '',
      ' ',
      '\n\t \u3000', // ideographic space: blank too
      'x',
      '  padded  ',
      '\u200b', // zero-width space is not whitespace to the rule: sendable
      'x'.repeat(MESSAGE_MAX_CHARS),
      'x'.repeat(MESSAGE_MAX_CHARS + 1),
      ' '.repeat(MESSAGE_MAX_CHARS + 1),
    ];
    for (const draft of drafts) {
      expect(draftState(draft).canSend, JSON.stringify(draft.slice(0, 12))).toBe(MessageBody.safeParse(draft).success);
    }
    expect(draftState('x'.repeat(MESSAGE_MAX_CHARS)).canSend).toBe(true);
    expect(draftState('x'.repeat(MESSAGE_MAX_CHARS + 1)).canSend).toBe(false);
  });

  it('counts against MESSAGE_MAX_CHARS: the counter shows near the limit, "too long" past it', () => {
    expect(draftState('x'.repeat(COUNTER_FROM - 1))).toMatchObject({ showCounter: false, tooLong: false });
    expect(draftState('x'.repeat(COUNTER_FROM))).toMatchObject({ showCounter: true, tooLong: false, length: COUNTER_FROM });
    expect(draftState('x'.repeat(MESSAGE_MAX_CHARS + 3))).toMatchObject({ showCounter: true, tooLong: true, length: MESSAGE_MAX_CHARS + 3 });
  });
});

describe('member names', () => {
  const zhang = { id: 'me', name: '张伟', nameEn: 'Zhang Wei' };
  const noEnglish = { name: '李娜', nameEn: null };

  it('uses the English name in the English UI when the member has one, the registered name otherwise', () => {
    expect(displayName(zhang, 'en')).toBe('Zhang Wei');
    expect(displayName(zhang, 'zh-CN')).toBe('张伟');
    expect(displayName(noEnglish, 'en')).toBe('李娜');
    expect(displayName({ name: '王芳', nameEn: '   ' }, 'en')).toBe('王芳');
  });

  it('names every sender from the name book in the UI language; the server\'s name only for strangers', () => {
    const book = nameBook(
      [
        { id: 'li', name: '李娜', nameEn: 'Li Na' },
        { id: 'me', name: '张伟（旧）', nameEn: 'Old Zhang' }, // a stale chart entry: my profile wins
        { id: 'wf', name: '王芳', nameEn: null },
      ],
      zhang,
    );
    // issue 12 defect 4: another member's English name in the English UI (was: only one's own)
    expect(senderDisplayName({ senderId: 'li', senderName: '李娜' }, 'en', book)).toBe('Li Na');
    expect(senderDisplayName({ senderId: 'li', senderName: '李娜' }, 'zh-CN', book)).toBe('李娜');
    expect(senderDisplayName({ senderId: 'me', senderName: '张伟' }, 'en', book)).toBe('Zhang Wei');
    expect(senderDisplayName({ senderId: 'me', senderName: '张伟' }, 'zh-CN', book)).toBe('张伟');
    expect(senderDisplayName({ senderId: 'wf', senderName: '王芳' }, 'en', book)).toBe('王芳');
    // not in the org chart (a guest of another organization): as the server sent it
    expect(senderDisplayName({ senderId: 'guest', senderName: 'Mr. Wang' }, 'en', book)).toBe('Mr. Wang');
    expect(senderDisplayName({ senderId: null, senderName: 'System' }, 'en', book)).toBe('System');
  });

  it('names the people in a system message from the same book', () => {
    const book = nameBook([{ id: 'li', name: '李娜', nameEn: 'Li Na' }], zhang);
    // the event was written before Li Na had an English name in the org chart
    const event = {
      type: 'members_added' as const,
      actor: { id: 'me', name: '张伟', nameEn: 'Zhang Wei' },
      targets: [
        { id: 'li', name: '李娜', nameEn: null },
        { id: 'gone', name: '前同事', nameEn: 'Former Colleague' }, // no longer in the org chart
      ],
    };
    expect(systemText({ body: 'fallback', system: event }, 'en', book)).toBe('Zhang Wei added Li Na and Former Colleague');
    expect(systemText({ body: 'fallback', system: event }, 'zh-CN', book)).toBe('张伟 邀请 李娜、前同事 加入群聊');
  });
});

describe('unhandled rejections', () => {
  it('are logged with their reason, and the listener can be removed', () => {
    const target = new EventTarget();
    const logged: unknown[] = [];
    const uninstall = installRejectionLogger(target, (_m, reason) => logged.push(reason));
    const reason = new Error('lost');
    const event = Object.assign(new Event('unhandledrejection', { cancelable: true }), { reason });
    target.dispatchEvent(event);
    expect(logged).toEqual([reason]);
    expect(event.defaultPrevented).toBe(true); // logged once, not again by the browser
    uninstall();
    target.dispatchEvent(Object.assign(new Event('unhandledrejection'), { reason }));
    expect(logged).toHaveLength(1);
  });
});

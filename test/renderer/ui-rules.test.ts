import { describe, expect, it } from 'vitest';
import { MessageBody } from '@shared/contract';
import { MESSAGE_MAX_CHARS } from '@shared/rules/limits';
import { COUNTER_FROM, draftState } from '../../src/renderer/features/chat/draft';
import { displayName, senderDisplayName } from '../../src/renderer/lib/names';
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

  it('names my own messages from my profile; others as the server sent them', () => {
    expect(senderDisplayName({ senderId: 'me', senderName: '张伟' }, zhang, 'en')).toBe('Zhang Wei');
    expect(senderDisplayName({ senderId: 'me', senderName: '张伟' }, zhang, 'zh-CN')).toBe('张伟');
    expect(senderDisplayName({ senderId: 'other', senderName: '李娜' }, zhang, 'en')).toBe('李娜');
    expect(senderDisplayName({ senderId: null, senderName: 'System' }, zhang, 'en')).toBe('System');
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

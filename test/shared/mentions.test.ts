import { describe, expect, it } from 'vitest';
import { mentionsAll } from '@shared/rules/mentions';

describe('mentionsAll', () => {
  it.each(['@all', '@All 开会', 'hi @everyone', '@所有人 下午三点开会', '请 @全体成员 注意', '（@所有人）', '＠所有人', 'done.@all'])(
    'reads %j as mentioning everyone',
    (body) => expect(mentionsAll(body)).toBe(true),
  );
  it.each(['mail@all.example', '@allison please', 'all of you', '@所有', 'x@everyone', '@ all'])('reads %j as not mentioning everyone', (body) =>
    expect(mentionsAll(body)).toBe(false),
  );
});

/**
 * Mentions both sides must read the same way. "@all" is a permission (the group's "who may @all"
 * setting, see permissions.ts): the server refuses a message that mentions everyone when the
 * sender may not, and the composer offers it only to those who may.
 */

/** The words that mention everyone, in both languages the product speaks. */
export const AT_ALL_WORDS = ['all', 'everyone', '所有人', '全体成员'] as const;

// "@all" counts only as a word of its own: at the start or after whitespace / punctuation, and
// followed by the end, whitespace or punctuation — so "mail@all.example" or "@allison" do not.
const AT_ALL = new RegExp(`(?:^|[\\s\\p{P}])[@＠](?:${AT_ALL_WORDS.join('|')})(?=$|[\\s\\p{P}])`, 'iu');

export const mentionsAll = (body: string): boolean => AT_ALL.test(body);

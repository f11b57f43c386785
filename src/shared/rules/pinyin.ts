/**
 * Pinyin initials without a dictionary (张伟 -> zw), for searching Chinese names by the letters
 * people type. Pure: runs in the renderer, the server (group directory) and tests alike.
 */

// Under Chinese collation (pinyin order) each of these characters is the first of its initial
// letter, so a character's initial is that of the last boundary not after it. Good for common
// words and names; a rare character may land on a neighbouring letter.
const PINYIN_LETTERS = 'abcdefghjklmnopqrstwxyz';
const PINYIN_BOUNDARIES = Array.from('阿八嚓哒妸发旮哈讥咔垃妈拏噢妑七呥扨它穵夕丫帀');
let collator: Intl.Collator | null = null;
const initialsCache = new Map<string, string>();
const CACHE_MAX = 10_000;

/** Initials of the Chinese characters, Latin letters kept (lower case), everything else dropped. */
export function pinyinInitials(name: string): string {
  const cached = initialsCache.get(name);
  if (cached !== undefined) return cached;
  collator ??= new Intl.Collator('zh-CN');
  let out = '';
  for (const ch of name) {
    if (!/[\u3400-\u9fff]/.test(ch)) {
      if (/[a-z]/i.test(ch)) out += ch.toLowerCase();
      continue;
    }
    let at = -1;
    for (let i = 0; i < PINYIN_BOUNDARIES.length && collator.compare(PINYIN_BOUNDARIES[i]!, ch) <= 0; i++) at = i;
    if (at >= 0) out += PINYIN_LETTERS[at];
  }
  // A long-running server sees many names: the cache is bounded.
  if (initialsCache.size >= CACHE_MAX) initialsCache.clear();
  initialsCache.set(name, out);
  return out;
}

/** Case-, width- and space-insensitive form for matching ("Ｑ３ 项目" ~ "q3 项目"). */
export const foldForSearch = (s: string): string => s.normalize('NFKC').toLocaleLowerCase().replace(/\s+/g, ' ').trim();

/**
 * Does a name match what was typed: a part of the name (case-insensitive, spaces optional), or —
 * for names with Chinese characters — the start of its pinyin initials (two letters at least, so
 * one letter does not match everything).
 */
export function nameMatches(name: string, query: string): boolean {
  const q = foldForSearch(query);
  if (!q) return true;
  const n = foldForSearch(name);
  const compact = q.replace(/ /g, '');
  if (n.includes(q) || (compact.length > 0 && n.replace(/ /g, '').includes(compact))) return true;
  return /^[a-z]{2,}$/.test(compact) && /[\u3400-\u9fff]/.test(name) && pinyinInitials(name).includes(compact);
}

import { describe, expect, it } from 'vitest';
import { displayableText, joinLinks, parseJoinText } from '@shared/rules/join-link';
import { newInviteKeyPair, signInviteToken } from '@shared/rules/invite-token';

const { secretKey } = newInviteKeyPair();
const token = signInviteToken({ kind: 'link', keyId: 3, tag: new Uint8Array(8).fill(7), expiresAt: new Date(Date.UTC(2030, 0, 1)) }, secretKey);
const invite = { kind: 'invite', token };

describe('parseJoinText: invites', () => {
  it.each([
    ['a bare token', token],
    ['a bare token with whitespace and newlines around', `\n\t  ${token} \r\n`],
    ['the deep link', `muster://join/${token}`],
    ['the deep link, upper-case scheme, trailing slash', `MUSTER://JOIN/${token}/`],
    ['the deep link with a query (ignored)', `muster://join/${token}?from=qr`],
    ['the server page', `https://muster.example.com/join/${token}`],
    ['the server page over http with a port', `http://127.0.0.1:5790/join/${token}`],
    ['the server page with a fragment', `https://muster.example.com/join/${token}#x`],
    ['the browser app', `http://127.0.0.1:5780/?join=${token}`],
    ['the browser app with other parameters', `http://127.0.0.1:5780/?lang=en&join=${token}`],
    ['a byte-order mark in front (pasted from a file)', `\ufeff${token}`],
  ])('%s', (_, text) => {
    expect(parseJoinText(text)).toEqual(invite);
  });

  it('joinLinks builds what the parser reads', () => {
    const links = joinLinks(token, 'https://muster.example.com/');
    expect(links.web).toBe(`https://muster.example.com/join/${token}`);
    expect(parseJoinText(links.deepLink)).toEqual(invite);
    expect(parseJoinText(links.web)).toEqual(invite);
  });
});

describe('parseJoinText: hostile input', () => {
  it.each([
    ['a token one character short', token.slice(0, -1)],
    ['a token one character long', `${token}A`],
    ['a token with a space inside', `${token.slice(0, 50)} ${token.slice(50)}`],
    ['path traversal in the deep link', 'muster://join/../x'],
    ['path traversal before a token', `muster://join/../${token}`],
    ['an extra path segment in the deep link', `muster://join/x/${token}`],
    ['percent-encoded traversal', 'muster://join/%2e%2e/x'],
    ['a percent-encoded token', `muster://join/${encodeURIComponent(token).replace(/A/g, '%41')}`],
    ['a double-encoded token', `muster://join/${token.slice(0, 10)}%2541${token.slice(11)}`],
    ['another muster path', `muster://settings/${token}`],
    ['a muster link without slashes', `muster:join/${token}`],
    ['a plain word', 'hello'],
    ['Chinese text', '扫一扫加入群聊'],
    ['empty', ''],
    ['only whitespace', ' \n\t '],
  ])('%s is text, not an invite', (_, text) => {
    expect(parseJoinText(text).kind).toBe('text');
  });

  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(document.cookie)',
    ' javascript://%0aalert(1)',
    'data:text/html,<script>alert(1)</script>',
    'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    'file:///etc/passwd',
    'file://C:/Windows/System32/calc.exe',
    'vbscript:msgbox(1)',
    'ftp://example.com/file',
    'mailto:a@example.com',
    'muster-app://app/index.html',
    'about:blank',
    'blob:https://example.com/uuid',
    '//evil.example/join/x',
  ])('%j is never a url', (text) => {
    expect(parseJoinText(text).kind).toBe('text');
  });

  it.each([
    ['credentials', 'https://user:pass@example.com/'],
    ['the at-sign host trick', 'https://bank.example.com@evil.example/login'],
    ['credentials on an invite link', `https://user@muster.example.com/join/${token}`],
    ['a backslash (browsers read it as a slash)', 'https://example.com\\@evil.example/'],
    ['a space inside', 'https://example.com/a b'],
    ['a quote', 'https://example.com/"onmouseover="x'],
    ['angle brackets', 'https://example.com/<script>'],
    ['a newline inside', 'https://example.com/\nhttps://evil.example/'],
    ['a tab inside', 'https://exa\tmple.com/'],
    ['a bidi override', 'https://example.com/\u202egpj.exe'],
    ['a right-to-left mark', 'https://\u200fexample.com/'],
    ['a zero-width space in the host', 'https://exa\u200bmple.com/'],
    ['an IDN look-alike', 'https://аpple.com/'],
    ['a full-width slash', 'https:／／example.com'],
    ['a percent-encoded host', 'https://%65xample.com/'],
    ['a port out of range', 'https://example.com:99999/'],
    ['an empty host', 'https:///path'],
    ['a null byte', 'https://example.com/\u0000'],
    ['an overlong url', `https://example.com/${'a'.repeat(3000)}`],
  ])('%s: shown as text, never offered to open', (_, text) => {
    expect(parseJoinText(text).kind).toBe('text');
  });

  it.each([
    ['https://example.com/', 'https://example.com/'],
    ['  HTTPS://Example.COM/Path?q=1#Frag \n', 'https://example.com/Path?q=1#Frag'],
    ['http://127.0.0.1:8080/x', 'http://127.0.0.1:8080/x'],
    ['https://[::1]:443/', 'https://[::1]:443/'],
    ['https://example.com/join/not-a-token', 'https://example.com/join/not-a-token'],
    // the token hidden in the query or fragment of another page is not taken as an invite
    [`https://evil.example/login?next=/join/${token}`, `https://evil.example/login?next=/join/${token}`],
    [`https://evil.example/#/join/${token}`, `https://evil.example/#/join/${token}`],
    [`https://evil.example/page?join=${token}`, `https://evil.example/page?join=${token}`],
  ])('%j is a url to offer', (text, url) => {
    expect(parseJoinText(text)).toEqual({ kind: 'url', url });
  });

  it('shows control and bidi characters visibly and caps long text', () => {
    const r = parseJoinText('abc\u202eexe.txt\u0007\u200b\u2066x\u2069');
    expect(r).toEqual({ kind: 'text', text: 'abc\ufffdexe.txt\ufffd\ufffd\ufffdx\ufffd' });
    const long = parseJoinText('x'.repeat(10_000));
    expect(long.kind).toBe('text');
    expect(long.kind === 'text' && long.text.length).toBe(301);
    // newlines inside plain text stay (it is shown in a pre-wrapped block)
    expect(displayableText('line 1\nline 2')).toBe('line 1\nline 2');
  });

  it('handles huge and adversarial strings quickly', () => {
    const inputs = [
      'a'.repeat(5_000_000),
      `muster://join/${'A'.repeat(1_000_000)}`,
      `https://${'a.'.repeat(500_000)}com/`,
      `https://example.com/${'/join/'.repeat(100_000)}`,
      `https://example.com/?${'join=&'.repeat(200_000)}`,
      '\u202e'.repeat(100_000),
      `${' '.repeat(1_000_000)}x${' '.repeat(1_000_000)}`,
    ];
    const started = performance.now();
    for (const text of inputs) {
      const r = parseJoinText(text);
      expect(r.kind).not.toBe('invite');
      if (r.kind === 'text') expect(r.text.length).toBeLessThanOrEqual(301);
    }
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('never throws on non-string input from an untyped caller', () => {
    for (const v of [undefined, null, 42, {}, []]) expect(parseJoinText(v as unknown as string)).toEqual({ kind: 'text', text: '' });
  });

  it('random mutations of a link never yield a different token or an unsafe url', () => {
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = 'aA0:/\\@?#%.-_ \n\u202e\u0000<>"\'';
    const base = `https://muster.example.com/join/${token}`;
    for (let i = 0; i < 5000; i++) {
      const chars = [...base];
      for (let k = 0, n = 1 + rand(3); k < n; k++) chars.splice(rand(chars.length), rand(2), alphabet[rand(alphabet.length)]!);
      const r = parseJoinText(chars.join(''));
      if (r.kind === 'invite') expect(chars.join('')).toContain(r.token);
      if (r.kind === 'url') {
        expect(r.url).toMatch(/^https?:\/\/[a-z0-9.\-[\]:]+(?:[/?#]|$)/);
        // eslint-disable-next-line no-control-regex -- the point is that none get through
        expect(r.url).not.toMatch(/[\s\\"<>\u0000-\u001f\u202e]/);
        expect(r.url.split('/')[2]).not.toContain('@'); // '@' is fine in a path, never in the authority
      }
    }
  });
});

import { INVITE_TOKEN_MAX_CHARS } from './limits';
import { decodeInviteToken } from './invite-token';

/**
 * What a scanned, pasted or deep-linked text is — read strictly, because it comes from anywhere
 * (a camera pointed at a poster, a chat message, the command line of a second launch):
 * - `invite`: a Muster invite token, bare or in `muster://join/<token>`, `http(s)://<host>/join/<token>`
 *   or the browser app's `http(s)://<host>/?join=<token>`. The token's shape is checked here
 *   (decodeInviteToken); its signature, organization and expiry by the server, or offline against
 *   the organization's public keys.
 * - `url`: a plain http(s) URL that is safe to offer to open in the browser (no credentials — the
 *   `https://bank.example@evil.example` trick —, ASCII only, no backslashes, no controls).
 * - `text`: anything else, cleaned for display (controls and bidi overrides made visible, capped),
 *   to be shown as text — never as HTML, never opened.
 */
export type JoinText = { kind: 'invite'; token: string } | { kind: 'url'; url: string } | { kind: 'text'; text: string };

/** Longer than this is not a link anyone meant to share; it is shown (capped) as text. */
export const JOIN_URL_MAX_CHARS = 2048;
/** How much of a text that is not ours is shown. */
export const JOIN_TEXT_SHOW_MAX_CHARS = 300;
/** Work is bounded before any regular expression runs: a pasted novel is cut here first. */
const INPUT_MAX_CHARS = 16_384;

const TOKEN_CHARS = /^[A-Za-z0-9_-]+$/;
/** A whole http(s) URL in printable ASCII without spaces, quotes, angle brackets or backslashes. */
const HTTP_URL = /^(https?):\/\/([^/?#]+)([^?#]*)(\?[^#]*)?(#.*)?$/i;
const URL_SAFE_CHARS = /^[\x21\x23-\x3b\x3d\x3f-\x5b\x5d-\x7e]+$/; // no ", <, >, \, space, controls
/** host[:port]: a DNS name, IPv4 or [IPv6] — nothing else (no userinfo, no percent-escapes). */
const AUTHORITY = /^(?:[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)*\.?|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;
const MUSTER_LINK = /^muster:\/\/join\/([^/?#]*)\/?(?:[?#].*)?$/i;
const JOIN_PATH = /^\/join\/([^/]*)\/?$/;
const JOIN_QUERY = /(?:^\?|&)join=([^&]*)/;

/**
 * C0/C1 controls, bidi embeddings/overrides/isolates and marks, zero-width joiners and the like,
 * line/paragraph separators: they reorder or hide what a person reads (e.g. an "exe.txt" that is
 * a "txt.exe"), so in displayed text they become a visible replacement character.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE_DISPLAY = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;

/** True when the text has the exact shape of an invite token (see invite-token.ts). */
export function isInviteTokenShape(text: string): boolean {
  return text.length > 0 && text.length <= INVITE_TOKEN_MAX_CHARS && TOKEN_CHARS.test(text) && decodeInviteToken(text) !== null;
}

/** The text made safe to show as plain text: invisible/reordering characters visible, length capped. */
export function displayableText(text: string, max = JOIN_TEXT_SHOW_MAX_CHARS): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return cut.replace(UNSAFE_DISPLAY, '\ufffd');
}

export function parseJoinText(input: string): JoinText {
  const text = (typeof input === 'string' ? input : '').slice(0, INPUT_MAX_CHARS).trim();
  const asText = (): JoinText => ({ kind: 'text', text: displayableText(text) });
  if (!text) return asText();

  if (isInviteTokenShape(text)) return { kind: 'invite', token: text };

  const muster = MUSTER_LINK.exec(text);
  if (muster) {
    // No decoding of percent-escapes: a real token never has any, so `%2E%2E` or a
    // double-encoded token is simply not a token.
    const token = muster[1] ?? '';
    return isInviteTokenShape(token) ? { kind: 'invite', token } : asText();
  }

  if (text.length > JOIN_URL_MAX_CHARS || !URL_SAFE_CHARS.test(text)) return asText();
  const http = HTTP_URL.exec(text);
  if (!http) return asText();
  const [, scheme = '', authority = '', path = '', query = ''] = http;
  if (!AUTHORITY.test(authority)) return asText(); // credentials (`user@`), escapes, odd hosts
  const port = /:(\d+)$/.exec(authority)?.[1];
  if (port !== undefined && Number(port) > 65535) return asText();

  const inPath = JOIN_PATH.exec(path)?.[1];
  if (inPath !== undefined && isInviteTokenShape(inPath)) return { kind: 'invite', token: inPath };
  if (path === '' || path === '/' || path === '/index.html') {
    const inQuery = JOIN_QUERY.exec(query)?.[1];
    if (inQuery !== undefined && isInviteTokenShape(inQuery)) return { kind: 'invite', token: inQuery };
  }
  // Scheme and host are case-insensitive: normalise them so what is shown is what is opened.
  const url = `${scheme.toLowerCase()}://${authority.toLowerCase()}${text.slice(scheme.length + 3 + authority.length)}`;
  return { kind: 'url', url };
}

/** The two shapes of a join link: the app's deep link and the server's invite page. */
export function joinLinks(token: string, serverUrl: string): { deepLink: string; web: string } {
  return { deepLink: `muster://join/${token}`, web: `${serverUrl.replace(/\/+$/, '')}/join/${token}` };
}

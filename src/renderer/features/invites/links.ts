import type { InviteKind } from '@shared/contract';
import { joinLinks as sharedJoinLinks } from '@shared/rules/join-link';

/**
 * The two forms of a join link (issue 6 point 6): `<server>/join/<token>` opens the server's invite
 * page in any browser or phone camera (it offers to open the app); `muster://join/<token>` opens
 * the desktop app directly. Both carry only the signed token — nothing secret, no member list.
 */
export interface JoinLinks {
  /** null when the server address is not an http(s) URL (then only the app link can be shared). */
  web: string | null;
  app: string;
}

export function joinLinks(serverUrl: string, token: string): JoinLinks {
  // The link shapes are the shared rule's (the parser reads them back); this only refuses to build
  // a web link on a server address that is not http(s).
  const base = webBase(serverUrl);
  const links = sharedJoinLinks(token, base ?? '');
  return { web: base === null ? null : links.web, app: links.deepLink };
}

/** The server's origin plus any path prefix, without a trailing slash, query or fragment. */
function webBase(serverUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(serverUrl.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * What the QR code carries: the web link when there is one (a phone camera opens the invite page;
 * Muster's own scanner reads the token out of it), else the app link.
 */
export const qrText = (links: JoinLinks): string => links.web ?? links.app;

// Reserved on Windows, or path separators anywhere; control characters; bidi overrides.
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_FILE_NAME = /[<>:"/\\|?*\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g;

/**
 * A file name for the saved QR image: `muster-<group>-<kind>-<yyyy-mm-dd>.png`, with the group's
 * name kept readable (Chinese included) but without anything a file system refuses or a reader
 * could be fooled by (separators, reserved characters, bidi controls, leading dots).
 */
export function qrFileName(groupName: string, kind: InviteKind, now: Date): string {
  const name =
    // Array.from: cut by code points, never through the middle of an emoji.
    Array.from(
      groupName
        .normalize('NFC')
        .replace(UNSAFE_IN_FILE_NAME, ' ')
        .trim()
        .replace(/\s+/g, '-')
        .replace(/^[.-]+/, ''),
    )
      .slice(0, 40)
      .join('')
      .replace(/[.-]+$/, '') || 'group';
  const day = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
  return `muster-${name}-${kind === 'link' ? 'invite' : kind === 'live' ? 'live-qr' : 'qr'}-${day}.png`;
}

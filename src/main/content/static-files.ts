import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * Serves the built renderer (out/renderer) for both edges: the Electron `muster-app://` protocol
 * handler and the browser-mode web host. Only files under the root are ever read: encoded or
 * plain `..` segments, NUL bytes, backslashes and symlinks leading outside are refused.
 */

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.wav': 'audio/wav',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
};

export const contentTypeFor = (file: string): string => CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';

export type StaticResult =
  | { status: 200; body: Buffer; contentType: string; cacheControl: string; file: string }
  | { status: 400 | 403 | 404; message: string };

const INDEX = 'index.html';

const inside = (root: string, candidate: string): boolean => {
  const rel = relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

async function readIfFile(root: string, realRoot: string, relPath: string): Promise<StaticResult | null> {
  const full = resolve(root, relPath);
  if (!inside(root, full)) return { status: 403, message: 'Path outside the app refused' };
  let real: string;
  try {
    real = await realpath(full);
  } catch {
    return null;
  }
  if (!inside(realRoot, real)) return { status: 403, message: 'Path outside the app refused' };
  const info = await stat(real).catch(() => null);
  if (!info?.isFile()) return null;
  const body = await readFile(real);
  // Vite fingerprints everything under assets/: cache forever. The document must be revalidated.
  const cacheControl = relPath.startsWith(`assets${sep}`) || relPath.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
  return { status: 200, body, contentType: contentTypeFor(real), cacheControl, file: real };
}

/**
 * @param pathname the URL path exactly as received (still percent-encoded), e.g. `/assets/a.js`
 * @param spaFallback serve index.html for unknown extension-less paths (client-side routes)
 */
export async function readStaticFile(root: string, pathname: string, options: { spaFallback: boolean }): Promise<StaticResult> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { status: 400, message: 'Malformed path' };
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return { status: 400, message: 'Malformed path' };
  const segments = decoded.split('/').filter((s) => s.length > 0);
  if (segments.some((s) => s === '..' || s === '.')) return { status: 403, message: 'Path traversal refused' };
  // Dotfiles are never part of a build output; do not reveal whether one exists.
  if (segments.some((s) => s.startsWith('.'))) return { status: 404, message: 'Not found' };

  const absRoot = resolve(root);
  let realRoot: string;
  try {
    realRoot = await realpath(absRoot);
  } catch {
    return { status: 404, message: 'The renderer has not been built (no out/renderer)' };
  }
  const relPath = segments.length === 0 ? INDEX : segments.join(sep);
  const found = await readIfFile(absRoot, realRoot, relPath);
  if (found) return found;

  const last = segments.at(-1) ?? '';
  if (options.spaFallback && extname(last) === '') {
    const index = await readIfFile(absRoot, realRoot, INDEX);
    if (index) return index;
  }
  return { status: 404, message: 'Not found' };
}

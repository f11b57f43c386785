import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseHttpUrl } from './http-url';

/** Default server address: the server's own default (HOST 127.0.0.1, PORT 7800). */
export const DEFAULT_SERVER_URL = 'http://127.0.0.1:7800';

/** A configuration problem found at startup: the message tells the user what to change. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * MUSTER_SERVER_URL, validated: an absolute http(s) URL without credentials, query or fragment.
 * Returned without a trailing slash so that route paths can be appended.
 */
export function resolveServerUrl(env: NodeJS.ProcessEnv = process.env): string {
  const raw = env.MUSTER_SERVER_URL?.trim() || DEFAULT_SERVER_URL;
  const url = parseHttpUrl(raw);
  if (!url) {
    const scheme = URL.canParse(raw) ? new URL(raw).protocol : null;
    throw new ConfigError(
      scheme && scheme !== 'http:' && scheme !== 'https:'
        ? `MUSTER_SERVER_URL must use http or https, got "${scheme}" in "${raw}"`
        : `MUSTER_SERVER_URL is not a valid URL: "${raw}" (expected e.g. ${DEFAULT_SERVER_URL})`,
    );
  }
  if (url.username || url.password) {
    throw new ConfigError('MUSTER_SERVER_URL must not contain a user name or password');
  }
  if (url.search || url.hash) {
    throw new ConfigError(`MUSTER_SERVER_URL must not contain a query or fragment: "${raw}"`);
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/**
 * The app version from the nearest package.json above `startDir` (this module's directory by
 * default, which works from src/ under tsx and from out/main in a build). The Electron edge uses
 * `app.getVersion()` instead, which reads the same field.
 */
export function readAppVersion(startDir: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = startDir;
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg: unknown = JSON.parse(readFileSync(candidate, 'utf8'));
      if (pkg && typeof pkg === 'object' && 'name' in pkg && pkg.name === 'muster' && 'version' in pkg && typeof pkg.version === 'string') {
        return pkg.version;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new ConfigError(`Could not find Muster's package.json above ${startDir}`);
    dir = parent;
  }
}

import { readFileSync } from 'node:fs';
import { DEFAULT_HOST, DEFAULT_PORT, type ServerOptions } from './app';
import { isLoopbackHost } from './loopback';
import { DEFAULT_DATA_DIR } from './storage';

/**
 * Environment -> options for the CLI (`npm run server`):
 *   PORT (7800), HOST (127.0.0.1), DATABASE_URL (PostgreSQL; else PGlite in MUSTER_DATA_DIR,
 *   default .muster/server-data), TLS_CERT_FILE + TLS_KEY_FILE (HTTPS when both are set),
 *   MUSTER_SEED_DEMO (1 = create the demo org on first start; 0 = never; default 1 only when HOST
 *   is a loopback address — the demo accounts share a published password), MUSTER_TRUST_PROXY
 *   (1 = client address from X-Forwarded-For; only behind your own reverse proxy), MUSTER_WEB_URL
 *   (the browser app, e.g. http://127.0.0.1:5780: invite pages offer to open it).
 * Throws an Error with a readable message when a value is wrong.
 */
export const serverOptionsFromEnv = (env: NodeJS.ProcessEnv): ServerOptions => {
  const port = env['PORT'] === undefined || env['PORT'] === '' ? DEFAULT_PORT : Number(env['PORT']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be an integer 0–65535, got "${env['PORT']}"`);

  const certFile = env['TLS_CERT_FILE'] || undefined;
  const keyFile = env['TLS_KEY_FILE'] || undefined;
  if (!!certFile !== !!keyFile) throw new Error('Set both TLS_CERT_FILE and TLS_KEY_FILE for HTTPS, or neither');

  const host = env['HOST'] || DEFAULT_HOST;
  const opts: ServerOptions = {
    port,
    host,
    // On by default for a local try-out only; a server others can reach gets no demo unless asked
    // for (and then warns at every start, see app.ts).
    seedDemo: flag(env, 'MUSTER_SEED_DEMO', isLoopbackHost(host)),
    trustProxy: flag(env, 'MUSTER_TRUST_PROXY', false),
  };
  if (env['DATABASE_URL']) opts.databaseUrl = env['DATABASE_URL'];
  else opts.dataDir = env['MUSTER_DATA_DIR'] || DEFAULT_DATA_DIR;
  if (certFile && keyFile) opts.tls = { cert: readFileSync(certFile), key: readFileSync(keyFile) };
  const web = env['MUSTER_WEB_URL'];
  if (web) opts.webAppUrl = webAppUrl(web);
  return opts;
};

/** An http(s) URL without credentials, query or fragment (the invite page adds `?join=<token>`). */
const webAppUrl = (v: string): string => {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new Error(`MUSTER_WEB_URL must be an http(s) URL, got "${v}"`);
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.username || u.password || u.search || u.hash) {
    throw new Error(`MUSTER_WEB_URL must be a plain http(s) URL (no credentials, query or fragment), got "${v}"`);
  }
  return u.toString();
};

const flag = (env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean => {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  if (['1', 'true', 'yes'].includes(v.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(v.toLowerCase())) return false;
  throw new Error(`${name} must be 1 or 0, got "${v}"`);
};

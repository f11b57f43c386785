import { describe, expect, it } from 'vitest';
import { serverOptionsFromEnv } from '../../src/server/config';

describe('server configuration from the environment', () => {
  it('defaults to PGlite in .muster/server-data on 127.0.0.1:7800 with the demo seeded', () => {
    expect(serverOptionsFromEnv({})).toEqual({
      port: 7800,
      host: '127.0.0.1',
      dataDir: '.muster/server-data',
      seedDemo: true,
      trustProxy: false,
    });
  });

  it('uses PostgreSQL when DATABASE_URL is set, and reads the other variables', () => {
    const o = serverOptionsFromEnv({ DATABASE_URL: 'postgres://x@h/db', PORT: '0', HOST: '0.0.0.0', MUSTER_SEED_DEMO: '0', MUSTER_TRUST_PROXY: 'true' });
    expect(o).toEqual({ port: 0, host: '0.0.0.0', databaseUrl: 'postgres://x@h/db', seedDemo: false, trustProxy: true });
  });

  it('seeds the demo (published password) by default only when bound to loopback', () => {
    for (const HOST of ['127.0.0.1', '127.0.0.2', 'localhost', '::1', '[::1]']) {
      expect(serverOptionsFromEnv({ HOST }).seedDemo, HOST).toBe(true);
    }
    for (const HOST of ['0.0.0.0', '::', '192.168.1.20', '10.0.0.5', 'muster.example.com', '127.example.com']) {
      expect(serverOptionsFromEnv({ HOST }).seedDemo, HOST).toBe(false);
    }
    // Explicit settings win either way (app.ts warns at start when the demo is reachable).
    expect(serverOptionsFromEnv({ HOST: '0.0.0.0', MUSTER_SEED_DEMO: '1' }).seedDemo).toBe(true);
    expect(serverOptionsFromEnv({ HOST: '127.0.0.1', MUSTER_SEED_DEMO: '0' }).seedDemo).toBe(false);
  });

  it('refuses bad values with a readable message', () => {
    expect(() => serverOptionsFromEnv({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => serverOptionsFromEnv({ PORT: '70000' })).toThrow(/PORT/);
    expect(() => serverOptionsFromEnv({ TLS_CERT_FILE: '/x.pem' })).toThrow(/TLS_KEY_FILE/);
    expect(() => serverOptionsFromEnv({ MUSTER_SEED_DEMO: 'maybe' })).toThrow(/MUSTER_SEED_DEMO/);
  });
});

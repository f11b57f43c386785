import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findElectron, platformExecutable, runElectronInstall } from '../../scripts/lib/electron-binary';

/**
 * The launcher's real download path, offline: Electron's own install.js (on a temporary copy of the
 * installed `electron` package, so node_modules is untouched) fetches from a mirror on 127.0.0.1
 * (ELECTRON_MIRROR), as an offline or mirrored install would. Proves that "let the package fetch
 * its binary" works on this Node version and that the launcher then finds what it fetched.
 */
const installed = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
const version = (JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { version: string }).version;
const exe = platformExecutable(process.platform)!;
let dir: string;
let pkgDir: string;
let mirror: Server;
let mirrorUrl: string;
const requests: string[] = [];

const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (b: Buffer) => {
  let c = 0xffffffff;
  for (const x of b) c = CRC[(c ^ x) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};

/** A minimal zip (deflate) — enough for Electron's extractor. */
function zip(files: Record<string, { data: Buffer; mode: number }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, { data, mode }] of Object.entries(files)) {
    const packed = deflateRawSync(data);
    const nameBuf = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix: external attributes carry the mode
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(((0o100000 | mode) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, packed);
    centrals.push(central, nameBuf);
    offset += 30 + nameBuf.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'muster-electron-fetch-'));
  // a copy of the electron package whose dependencies resolve to the installed ones
  const modules = join(dir, 'node_modules');
  pkgDir = join(modules, 'electron');
  await mkdir(modules, { recursive: true });
  await cp(installed, pkgDir, { recursive: true, filter: (src) => !src.startsWith(join(installed, 'dist')) && !src.endsWith('path.txt') });
  for (const dep of ['@electron', '@electron-internal']) await symlink(join(installed, '..', dep), join(modules, dep));

  const fileName = `electron-v${version}-${process.platform}-${process.arch}.zip`;
  const archive = zip({ [exe]: { data: Buffer.from('#!/bin/sh\necho fake electron\n'), mode: 0o755 }, version: { data: Buffer.from(`v${version}`), mode: 0o644 } });
  const sums = `${createHash('sha256').update(archive).digest('hex')} *${fileName}\n`;
  mirror = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === `/v${version}/${fileName}`) res.end(archive);
    else if (req.url === `/v${version}/SHASUMS256.txt`) res.end(sums);
    else res.writeHead(404).end();
  });
  await new Promise<void>((res) => mirror.listen(0, '127.0.0.1', () => res()));
  mirrorUrl = `http://127.0.0.1:${(mirror.address() as { port: number }).port}/`;
});

afterAll(async () => {
  await new Promise((res) => mirror?.close(res));
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('fetching Electron on first use (loopback mirror)', () => {
  const env = () => ({
    ...process.env,
    ELECTRON_MIRROR: mirrorUrl,
    electron_use_remote_checksums: '1', // the bundled checksums are for the real zips
    electron_config_cache: join(dir, 'cache'),
    ELECTRON_OVERRIDE_DIST_PATH: '',
    ELECTRON_SKIP_BINARY_DOWNLOAD: '',
  });

  it('a mirror that does not have it: a short reason, no binary', async () => {
    const failure = await runElectronInstall(pkgDir, { ...env(), ELECTRON_MIRROR: `${mirrorUrl}missing/` });
    expect(failure).toMatch(/404|not found|HTTPError/i);
    expect(failure).not.toMatch(/\n/);
    expect(existsSync(join(pkgDir, 'path.txt'))).toBe(false);
  });

  it('no path.txt after install → the launcher lets the package fetch the binary, then starts that one', async () => {
    expect(existsSync(join(pkgDir, 'path.txt'))).toBe(false);
    const said: string[] = [];
    const choice = await findElectron({
      env: {},
      platform: process.platform,
      packageDir: pkgDir,
      version,
      exists: existsSync,
      readText: (p) => (existsSync(p) ? readFileSync(p, 'utf8') : null),
      fetchBinary: () => runElectronInstall(pkgDir, env()),
      say: (l) => said.push(l),
    });
    expect(choice).toEqual({ kind: 'electron', execPath: join(pkgDir, 'dist', exe), source: 'downloaded' });
    expect(await readFile(join(pkgDir, 'path.txt'), 'utf8')).toBe(exe);
    expect(requests).toContain(`/v${version}/electron-v${version}-${process.platform}-${process.arch}.zip`);
    expect(said.join('\n')).toMatch(/Fetching the Electron/);
  });
});

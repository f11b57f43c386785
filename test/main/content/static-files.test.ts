import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStaticFile } from '../../../src/main/content/static-files';
import { tempDir } from '../helpers/temp';

describe('static files', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let root: string;
  beforeAll(async () => {
    dir = await tempDir();
    root = join(dir.path, 'renderer');
    await mkdir(join(root, 'assets'), { recursive: true });
    await writeFile(join(root, 'index.html'), '<!doctype html><title>Muster</title>');
    await writeFile(join(root, 'assets', 'app-1a2b.js'), 'console.log(1)');
    await writeFile(join(root, 'assets', 'app-1a2b.css'), 'body{}');
    await writeFile(join(root, '.env'), 'SECRET=1');
    await writeFile(join(dir.path, 'outside.txt'), 'outside the root');
    await symlink(join(dir.path, 'outside.txt'), join(root, 'assets', 'escape.txt'));
  });
  afterAll(() => dir.cleanup());

  it('serves files with the right content type and caching', async () => {
    const index = await readStaticFile(root, '/', { spaFallback: true });
    expect(index).toMatchObject({ status: 200, contentType: 'text/html; charset=utf-8', cacheControl: 'no-cache' });
    const js = await readStaticFile(root, '/assets/app-1a2b.js', { spaFallback: true });
    expect(js).toMatchObject({ status: 200, contentType: 'text/javascript; charset=utf-8', cacheControl: expect.stringContaining('immutable') });
    if (js.status === 200) expect(js.body.toString()).toBe('console.log(1)');
    expect(await readStaticFile(root, '/assets/app-1a2b.css', { spaFallback: true })).toMatchObject({ status: 200, contentType: 'text/css; charset=utf-8' });
  });

  it('falls back to index.html for client-side routes only', async () => {
    const route = await readStaticFile(root, '/groups/123', { spaFallback: true });
    expect(route).toMatchObject({ status: 200, contentType: 'text/html; charset=utf-8' });
    expect(await readStaticFile(root, '/assets/missing.js', { spaFallback: true })).toMatchObject({ status: 404 });
    expect(await readStaticFile(root, '/groups/123', { spaFallback: false })).toMatchObject({ status: 404 });
  });

  it.each([
    '/../outside.txt',
    '/..%2foutside.txt',
    '/..%2f..%2fetc/passwd',
    '/%2e%2e/outside.txt',
    '/assets/%2e%2e/%2e%2e/outside.txt',
    '/assets/..%5c..%5coutside.txt',
    '/index.html%00.js',
  ])('refuses traversal %s', async (path) => {
    const result = await readStaticFile(root, path, { spaFallback: true });
    expect([400, 403]).toContain(result.status);
  });

  it('refuses a symlink that leads outside the root', async () => {
    expect(await readStaticFile(root, '/assets/escape.txt', { spaFallback: true })).toMatchObject({ status: 403 });
  });

  it('hides dotfiles and rejects malformed encodings', async () => {
    expect(await readStaticFile(root, '/.env', { spaFallback: true })).toMatchObject({ status: 404 });
    expect(await readStaticFile(root, '/%E0%A4%A', { spaFallback: true })).toMatchObject({ status: 400 });
  });

  it('says so when the renderer is not built', async () => {
    expect(await readStaticFile(join(dir.path, 'nope'), '/', { spaFallback: true })).toMatchObject({ status: 404, message: expect.stringMatching(/not been built/) });
  });
});

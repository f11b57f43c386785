import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { afterAll, describe, expect, it } from 'vitest';
import { exifOrientation, listPhotos, normalizeText, orient, readImage, shrink } from '../../bench/qr/images';

/** A JPEG with an EXIF APP1 segment carrying `orientation` (big-endian TIFF, one IFD0 entry). */
function jpegWithOrientation(orientation: number, width = 8, height = 4): Buffer {
  const data = new Uint8Array(width * height * 4).fill(128);
  const j = jpeg.encode({ data, width, height }, 90).data;
  const tiff = Buffer.from([0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0]);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 255]), body]);
  return Buffer.concat([j.subarray(0, 2), app1, j.subarray(2)]);
}

const dir = mkdtempSync(join(tmpdir(), 'muster-qr-photos-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bench:qr photo folder', () => {
  it('compares texts without BOM, CR or surrounding whitespace', () => {
    expect(normalizeText('\uFEFFmuster://join/abc\r\n  \r\n')).toBe('muster://join/abc');
    expect(normalizeText('two\r\nlines\r')).toBe('two\nlines');
  });

  it('reads the EXIF orientation of a JPEG and makes the pixels upright', () => {
    expect(exifOrientation(jpegWithOrientation(6))).toBe(6);
    expect(exifOrientation(jpeg.encode({ data: new Uint8Array(16 * 4), width: 4, height: 4 }, 90).data)).toBe(1);
    expect(exifOrientation(Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0x00]))).toBe(1); // truncated: no throw
    // A 2×1 image [A B]: orientation 6 (turn 90° clockwise) stands it up as A above B, 8 as B above A.
    const px = (v: number) => [v, v, v, 255];
    const f = { data: new Uint8ClampedArray([...px(10), ...px(20)]), width: 2, height: 1 };
    const r6 = orient(f, 6);
    expect([r6.width, r6.height]).toEqual([1, 2]);
    expect([r6.data[0], r6.data[4]]).toEqual([10, 20]);
    const r8 = orient(f, 8);
    expect([r8.data[0], r8.data[4]]).toEqual([20, 10]);
    const r3 = orient(f, 3);
    expect([r3.width, r3.data[0]]).toEqual([2, 20]);
    const upright = readImage(writeTemp('rot.jpg', jpegWithOrientation(6, 8, 4)));
    expect([upright.width, upright.height]).toEqual([4, 8]);
  });

  it('downscales huge images and refuses what is not a PNG or JPEG', () => {
    const big = { data: new Uint8ClampedArray(10 * 4 * 4).fill(200), width: 10, height: 4 };
    const small = shrink(big, 5);
    expect([small.width, small.height]).toEqual([5, 2]);
    expect(small.data[0]).toBe(200);
    expect(() => readImage(writeTemp('empty.png', Buffer.alloc(0)))).toThrow(/empty file/);
    expect(() => readImage(writeTemp('text.jpg', Buffer.from('hello')))).toThrow(/neither a PNG nor a JPEG/);
    expect(() => readImage(writeTemp('bad.png', Buffer.from('\x89PNG\r\n\x1a\nbroken', 'latin1')))).toThrow();
  });

  it('finds images in subfolders, any case of extension, each with its .txt or null', () => {
    const root = join(dir, 'set');
    mkdirSync(join(root, 'a', 'b'), { recursive: true });
    writeFileSync(join(root, 'one.png'), 'x');
    writeFileSync(join(root, 'one.txt'), 'first\r\n');
    writeFileSync(join(root, 'a', 'b', 'two.JPG'), 'x');
    writeFileSync(join(root, 'a', 'b', 'two.txt'), '\uFEFFsecond');
    writeFileSync(join(root, 'a', 'three.jpeg'), 'x');
    writeFileSync(join(root, 'notes.md'), 'not an image');
    const found = listPhotos(root).map((e) => [e.name, e.expected]);
    expect(found).toEqual([
      [join('a', 'b', 'two.JPG'), 'second'],
      [join('a', 'three.jpeg'), null],
      ['one.png', 'first'],
    ]);
    expect(listPhotos(join(dir, 'set', 'a', 'b', '..', '..', 'a', 'b'))).toHaveLength(1);
  });
});

function writeTemp(name: string, bytes: Buffer | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('bench:qr photo-like set', () => {
  it('is the same for the same seed: 12 MP frames, a realistic code size, every eighth without a code', async () => {
    const { makePhotoSample, photoSet, prng, PHOTO_SIZES } = await import('../../bench/qr/generate');
    const [a] = [...photoSet(7, 1)];
    const [b] = [...photoSet(7, 1)];
    expect(a!.text).not.toBe('');
    expect(b!.text).toBe(a!.text);
    expect(b!.tags).toEqual(a!.tags);
    expect(Buffer.from(b!.frame.data).equals(Buffer.from(a!.frame.data))).toBe(true);
    expect(PHOTO_SIZES).toContainEqual({ width: a!.frame.width, height: a!.frame.height });
    expect(a!.code!.side / a!.frame.width).toBeGreaterThanOrEqual(0.015);
    expect(a!.code!.side / a!.frame.width).toBeLessThanOrEqual(0.1);
    const none = makePhotoSample(prng(3), 7, false);
    expect([none.text, none.code, none.tags]).toEqual(['', null, ['no code']]);
  }, 30_000);
});

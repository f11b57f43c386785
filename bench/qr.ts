/**
 * `npm run bench:qr` — the QR decoder against jsqr alone and zxing-wasm alone (issue 6 point 9).
 *
 *   npm run bench:qr                          generated hard set (seeded), photo-like 12 MP set, 1280×720 camera frames
 *   npm run bench:qr -- --photos <dir>        every name.png / name.jpg under <dir> with name.txt
 *   options: --count <n> (hard-set images, 300) --frames <n> (camera frames of each kind, 40)
 *            --photo-count <n> (photo-like images, 48; 0 skips them) --seed <n> (2026)
 *
 * For each image the contenders run one after another (so a busy machine slows them alike); each
 * decode is timed by wall clock and by the process's CPU time — on a shared machine the CPU time is
 * the fairer figure, on an idle one they agree. Reading an image file (PNG/JPEG decode, EXIF
 * orientation) is not timed: the figures are the decoder's. The last line is the summary of the
 * chosen pipeline: `read <n>/<total> (<pct> %), median <ms> ms per image`.
 * Not a timed test: nothing here fails on a figure.
 */
import { performance } from 'node:perf_hooks';
import jsQR from 'jsqr';
import { readBarcodes } from 'zxing-wasm/reader';
import { CAMERA_STEPS, createQrDecoder } from '../src/renderer/features/scan/decoder/decode';
import type { RgbaFrame } from '../src/renderer/features/scan/decoder/frame';
import { cameraFrames, hardSet, photoSet } from './qr/generate';
import { isDirectory, listPhotos, normalizeText, readImage } from './qr/images';
import { loadZxingWasm } from './qr/wasm';

interface Contender {
  name: string;
  decode(frame: RgbaFrame): Promise<string | null>;
}
interface Tally {
  read: number;
  wrong: number;
  total: number;
  wall: number[];
  cpu: number[];
}

function usage(message: string): never {
  process.stderr.write(`bench:qr: ${message}\nusage: npm run bench:qr [-- --photos <dir>] [--count <n>] [--frames <n>] [--photo-count <n>] [--seed <n>]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]) {
  const opts = { photos: null as string | null, count: 300, frames: 40, photoCount: 48, seed: 2026 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) usage(`${a} needs a value`);
      return v;
    };
    const count = (v: string, max: number, min = 1) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) usage(`${a} must be a whole number from ${min} to ${max}, got ${v}`);
      return n;
    };
    if (a === '--photos') opts.photos = value();
    else if (a === '--count') opts.count = count(value(), 10_000);
    else if (a === '--frames') opts.frames = count(value(), 1_000);
    else if (a === '--photo-count') opts.photoCount = count(value(), 1_000, 0);
    else if (a === '--seed') opts.seed = count(value(), 2 ** 31);
    else usage(`unknown argument ${a}`);
  }
  return opts;
}

const median = (xs: number[]) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))] ?? NaN;
const pct = (n: number, total: number) => (total === 0 ? 0 : (100 * n) / total).toFixed(1);
const ms = (n: number) => (Number.isNaN(n) ? '–' : n < 10 ? n.toFixed(2) : n.toFixed(1));
const newTally = (): Tally => ({ read: 0, wrong: 0, total: 0, wall: [], cpu: [] });

/** Time one decode by wall clock and by this process's CPU time (user + system). */
async function timed(c: Contender, frame: RgbaFrame): Promise<{ text: string | null; wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const text = await c.decode(frame);
  const wall = performance.now() - t0;
  const cu = process.cpuUsage(c0);
  return { text, wall, cpu: (cu.user + cu.system) / 1000 };
}

/** Run every contender on every item, interleaved; `expected` null means "no code here". */
async function run(contenders: Contender[], items: { frame: RgbaFrame; expected: string | null; tags?: string[] }[], byTag?: Map<string, Tally[]>) {
  const tallies = contenders.map(newTally);
  for (const item of items) {
    for (const [i, c] of contenders.entries()) {
      const { text, wall, cpu } = await timed(c, item.frame);
      const t = tallies[i]!;
      t.total++;
      t.wall.push(wall);
      t.cpu.push(cpu);
      const got = text === null ? null : normalizeText(text);
      const ok = item.expected === null ? got === null : got === item.expected;
      if (ok && item.expected !== null) t.read++;
      if (got !== null && !ok) t.wrong++;
      for (const tag of item.tags ?? []) {
        if (!byTag!.has(tag)) byTag!.set(tag, contenders.map(newTally));
        const tt = byTag!.get(tag)![i]!;
        tt.total++;
        if (ok) tt.read++;
      }
    }
  }
  return tallies;
}

function table(title: string, contenders: Contender[], tallies: Tally[], withRead = true) {
  console.log(`\n${title}`);
  console.log(`| decoder | ${withRead ? 'read | ' : ''}wrong text | median ms (CPU) | median ms (wall) | p90 ms (wall) |`);
  console.log(`|---|${withRead ? '---|' : ''}---|---|---|---|`);
  for (const [i, c] of contenders.entries()) {
    const t = tallies[i]!;
    const read = withRead ? `${t.read}/${t.total} (${pct(t.read, t.total)} %) | ` : '';
    console.log(`| ${c.name} | ${read}${t.wrong} | ${ms(median(t.cpu))} | ${ms(median(t.wall))} | ${ms(p90(t.wall))} |`);
  }
}

function merge(into: Tally, from: Tally) {
  into.read += from.read;
  into.wrong += from.wrong;
  into.total += from.total;
  into.wall.push(...from.wall);
  into.cpu.push(...from.cpu);
}

const summary = (t: Tally) => `read ${t.read}/${t.total} (${pct(t.read, t.total)} %), median ${ms(median(t.wall))} ms per image`;

const opts = parseArgs(process.argv.slice(2));
const wasm = loadZxingWasm();
const still = await createQrDecoder({ wasm, mode: 'still' });
const camera = await createQrDecoder({ wasm, mode: 'camera' });
const jsqrAlone: Contender = {
  name: 'jsqr alone (jsQR on the RGBA frame, default options)',
  decode: async (f) => jsQR(f.data, f.width, f.height)?.data || null,
};
const zxingAlone: Contender = {
  name: 'zxing-wasm alone (readBarcodes, QR only, default options)',
  decode: async (f) => (await readBarcodes(f as unknown as Parameters<typeof readBarcodes>[0], { formats: ['QRCode'] })).find((r) => r.isValid)?.text || null,
};
const chosenStill: Contender = { name: '**chosen pipeline, still-image mode**', decode: (f) => still.decode(f) };
const chosenCamera: Contender = { name: '**chosen pipeline, camera mode**', decode: (f) => camera.decode(f) };

/** Warm up both engines (JIT, WASM instantiation) so the first image is not charged for it. */
async function warmUp() {
  for (const s of hardSet(99, 4)) for (const c of [jsqrAlone, zxingAlone, chosenStill, chosenCamera]) await c.decode(s.frame);
}

if (opts.photos !== null) {
  if (!isDirectory(opts.photos)) usage(`--photos ${opts.photos}: no such folder`);
  const entries = listPhotos(opts.photos);
  const items: { frame: RgbaFrame; expected: string }[] = [];
  let skipped = 0;
  for (const e of entries) {
    if (e.expected === null) {
      process.stderr.write(`skipped ${e.name}: no ${e.name.replace(/\.[^.]+$/, '.txt')} with the expected text\n`);
      skipped++;
      continue;
    }
    if (e.expected === '') {
      process.stderr.write(`skipped ${e.name}: its .txt is empty\n`);
      skipped++;
      continue;
    }
    try {
      items.push({ frame: readImage(e.image), expected: e.expected });
    } catch (err) {
      process.stderr.write(`skipped ${e.name}: cannot read the image (${err instanceof Error ? err.message : String(err)})\n`);
      skipped++;
    }
  }
  if (items.length === 0) {
    process.stderr.write(
      entries.length === 0
        ? `bench:qr: no .png or .jpg images in ${opts.photos} (subfolders included)\n`
        : `bench:qr: none of the ${entries.length} images in ${opts.photos} could be used (see above); each name.png / name.jpg needs name.txt with the expected text\n`,
    );
    process.exit(1);
  }
  const contenders = [jsqrAlone, zxingAlone, chosenStill];
  await warmUp();
  console.log(`${items.length} photos from ${opts.photos}${skipped ? `, ${skipped} skipped` : ''}; node ${process.version}`);
  const tallies = await run(contenders, items);
  table('Photos (per image)', contenders, tallies);
  console.log(summary(tallies[2]!));
  process.exit(0);
}

process.stderr.write(`generating ${opts.count} hard images, ${2 * opts.frames} camera frames and ${opts.photoCount} photo-like images one by one (seed ${opts.seed})…\n`);
const set = hardSet(opts.seed, opts.count);
const frames = cameraFrames(opts.seed + 1, opts.frames);
await warmUp();
console.log(`QR decoding, node ${process.version}, ${new Date().toISOString().slice(0, 10)}; seed ${opts.seed}`);

const byTag = new Map<string, Tally[]>();
const stillContenders = [jsqrAlone, zxingAlone, chosenStill];
const stillTallies = await run(stillContenders, set.map((s) => ({ frame: s.frame, expected: s.text, tags: s.tags.filter((t) => !/^v\d+$/.test(t)) })), byTag);
table(`Hard set: ${opts.count} generated 640×480 images (per image)`, stillContenders, stillTallies);
console.log('\nRead rate by degradation (an image usually has several)');
console.log(`| degradation | images | ${stillContenders.map((c, i) => ['jsqr', 'zxing-wasm', 'chosen'][i]).join(' | ')} |`);
console.log(`|---|---|${stillContenders.map(() => '---|').join('')}`);
for (const [tag, ts] of [...byTag.entries()].sort(([a], [b]) => a.localeCompare(b))) {
  console.log(`| ${tag} | ${ts[0]!.total} | ${ts.map((t) => `${pct(t.read, t.total)} %`).join(' | ')} |`);
}

// Photo-like set: 12 MP frames made (and dropped) one at a time, 48 MB each. jsqr alone is left
// out: on a 12 MP frame its finder search takes seconds to minutes, and it reads no more.
let photoSummary = '';
if (opts.photoCount > 0) {
  const photoContenders = [zxingAlone, chosenStill];
  const withCodeT = photoContenders.map(newTally);
  const noCodeT = photoContenders.map(newTally);
  const photoTags = new Map<string, Tally[]>();
  for (const p of photoSet(opts.seed + 2, opts.photoCount)) {
    const t = await run(photoContenders, [{ frame: p.frame, expected: p.text === '' ? null : p.text, tags: p.tags }], photoTags);
    for (const [i, x] of t.entries()) merge((p.text === '' ? noCodeT : withCodeT)[i]!, x);
  }
  table(`Photo-like set: ${withCodeT[0]!.total} generated 12 MP photos (4032×3024, 3000×4000, either way up) with a code of 1.5–10 % of the frame width (per image)`, photoContenders, withCodeT);
  console.log('\nPhoto-like read rate by kind (a photo usually has several)');
  console.log('| kind | images | zxing-wasm | chosen |');
  console.log('|---|---|---|---|');
  for (const [tag, ts] of [...photoTags.entries()].filter(([t]) => t !== 'no code').sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`| ${tag} | ${ts[0]!.total} | ${ts.map((t) => `${pct(t.read, t.total)} %`).join(' | ')} |`);
  }
  table(`Photo-like set: ${noCodeT[0]!.total} 12 MP photos without a code (per image; max ms wall: ${noCodeT.map((t) => ms(Math.max(...t.wall))).join(' / ')})`, photoContenders, noCodeT, false);
  photoSummary = `photo-like 12 MP set: ${summary(withCodeT[1]!)}; without a code: median ${ms(median(noCodeT[1]!.wall))} ms, max ${ms(Math.max(...noCodeT[1]!.wall))} ms`;
}

const frameContenders = [jsqrAlone, zxingAlone, chosenCamera];
const withCode = await run(frameContenders, frames.withCode.map((s) => ({ frame: s.frame, expected: s.text })));
table(`Camera: ${opts.frames} 1280×720 frames with a code in the viewfinder (per frame)`, frameContenders, withCode);
// The camera mode interleaves strategies across frames (one pass each): a code held still in the
// viewfinder gets every strategy within CAMERA_STEPS.length frames — 200 ms at 30 fps.
let within = 0;
for (const s of frames.withCode) {
  for (let k = 0; k < CAMERA_STEPS.length; k++) {
    if ((await camera.decode(s.frame)) === s.text) {
      within++;
      break;
    }
  }
}
console.log(`| chosen pipeline, camera mode, read within ${CAMERA_STEPS.length} frames of the same view | ${within}/${opts.frames} (${pct(within, opts.frames)} %) | | | | |`);
const without = await run(frameContenders, frames.without.map((frame) => ({ frame, expected: null })));
table(`Camera: ${opts.frames} 1280×720 frames without a code (per frame)`, frameContenders, without, false);
const all = [...withCode[2]!.cpu, ...without[2]!.cpu];
console.log(`\nchosen camera mode, all ${all.length} frames: median ${ms(median(all))} ms CPU, ${ms(median([...withCode[2]!.wall, ...without[2]!.wall]))} ms wall per 1280×720 frame`);
if (photoSummary) console.log(photoSummary);
console.log(summary(stillTallies[2]!));
process.exit(0);

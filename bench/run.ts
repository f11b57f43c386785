/**
 * `npm run bench` — server figures on both storage backends, as medians and ratios.
 *
 * Measured in-process on loopback with two signed-in members of the demo organization:
 *   send        messages:send round trip (ack), sequential
 *   fan-out     from emit to the OTHER member's message:new push
 *   burst       messages/second with 16 sends in flight from 4 members
 *   page        messages:page, latest 50 and a scroll-back page
 *   list        groups:list for a member of 4 groups
 *   sign-in     HTTP sign-in with the production scrypt cost
 *   memory      JS heap growth per 1,000 stored messages (after GC); RSS of the whole process at the end
 *               (server + clients in one process per backend; PGlite's WASM memory shows only in RSS)
 * and the organization figures of bench/org.ts (department sync of 10,000 members in 1,000
 * departments, one member moved, groups:list for a member of 500 groups).
 * `MUSTER_BENCH_PART=chat` or `=org` runs one part only.
 * Not a timed test: nothing here can fail; it prints figures for docs/performance.md.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { DEFAULT_KDF } from '../src/server/auth';
import { backends } from '../test/server/support/databases';
import { nextEvent, request, startTestServer, type ClientSocket } from '../test/server/support/server';
import { benchOrg } from './org';

const ALL_HANDS = '全员群 All hands';
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const p95 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))]!;
};
const ms = (n: number) => `${n.toFixed(2)} ms`;
const gc = () => (globalThis as { gc?: () => void }).gc?.();

async function must<T>(p: Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

type Figures = Record<string, number>;

async function benchBackend(backend: (typeof backends)[number]): Promise<Figures> {
  // The per-socket request budget would throttle a load generator: lift it here, and only here.
  const t = await startTestServer(backend, {
    kdf: DEFAULT_KDF,
    logger: { info() {}, warn() {}, error() {} },
    socketRateLimit: { perSecond: Infinity, burst: Infinity },
  });
  try {
    const zhang = await t.signIn('zhangwei');
    const li = await t.signIn('lina');
    const a = await t.connect(zhang.accessToken);
    const b = await t.connect(li.accessToken);
    const groups = (await must(request(a, 'groups:list', {}))).groups;
    const groupId = groups.find((g) => g.name === ALL_HANDS)!.id;
    const send = (s: ClientSocket, body: string) => must(request(s, 'messages:send', { groupId, clientId: randomUUID(), body }));

    for (let i = 0; i < 30; i++) await send(a, `warm-up ${i}`); // JIT, pools, plans

    const sendTimes: number[] = [];
    for (let i = 0; i < 300; i++) {
      const t0 = performance.now();
      await send(a, `sequential ${i} — 顺序发送的消息`);
      sendTimes.push(performance.now() - t0);
    }

    const fanout: number[] = [];
    for (let i = 0; i < 100; i++) {
      const arrived = nextEvent(b, 'message:new');
      const t0 = performance.now();
      void send(a, `fan-out ${i}`);
      await arrived;
      fanout.push(performance.now() - t0);
    }

    const senders = [a, b, await t.connect((await t.signIn('emily.carter')).accessToken), await t.connect((await t.signIn('admin')).accessToken)];
    const burstCount = 800;
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 16 }, async (_, lane) => {
        while (next < burstCount) {
          next++;
          await send(senders[lane % senders.length]!, `burst ${next}`);
        }
      }),
    );
    const burstPerSecond = burstCount / ((performance.now() - t0) / 1000);

    const latest: number[] = [];
    const back: number[] = [];
    const lastSeq = (await must(request(a, 'messages:page', { groupId, limit: 1 }))).messages[0]!.seq;
    for (let i = 0; i < 100; i++) {
      let s = performance.now();
      await must(request(a, 'messages:page', { groupId, limit: 50 }));
      latest.push(performance.now() - s);
      s = performance.now();
      await must(request(a, 'messages:page', { groupId, beforeSeq: Math.max(2, lastSeq - 50 * (i % 20)), limit: 50 }));
      back.push(performance.now() - s);
    }

    const list: number[] = [];
    for (let i = 0; i < 100; i++) {
      const s = performance.now();
      await must(request(b, 'groups:list', {}));
      list.push(performance.now() - s);
    }

    const signIn: number[] = [];
    for (let i = 0; i < 8; i++) {
      const s = performance.now();
      await t.signIn(i % 2 ? 'zhangwei' : 'lina');
      signIn.push(performance.now() - s);
    }

    // PGlite keeps its data in WASM memory, which heapUsed does not count: RSS is reported too.
    gc();
    const mem0 = process.memoryUsage();
    for (let i = 0; i < 1000; i++) await send(a, `heap ${i}`);
    gc();
    const mem1 = process.memoryUsage();
    const heapPer1000 = (mem1.heapUsed - mem0.heapUsed) / 1024 / 1024;

    return {
      sendMedian: median(sendTimes),
      sendP95: p95(sendTimes),
      fanoutMedian: median(fanout),
      burstPerSecond,
      pageLatestMedian: median(latest),
      pageBackMedian: median(back),
      listMedian: median(list),
      signInMedian: median(signIn),
      heapPer1000,
      rss: mem1.rss / 1024 / 1024,
    };
  } finally {
    await t.stop();
  }
}

// Each backend runs in a child process of its own, so memory figures do not carry over.
const only = process.env['MUSTER_BENCH_BACKEND'];
if (only) {
  const backend = backends.find((b) => b.name === only);
  if (!backend) throw new Error(`unknown backend ${only}`);
  const part = process.env['MUSTER_BENCH_PART'];
  const figures = {
    ...(part === 'org' ? {} : await benchBackend(backend)),
    ...(part === 'chat' ? {} : await benchOrg(backend)),
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  process.exit(0);
}
const results: Record<string, Figures> = {};
for (const backend of backends) {
  process.stderr.write(`benchmarking ${backend.name}…\n`);
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    env: { ...process.env, MUSTER_BENCH_BACKEND: backend.name },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.status !== 0) throw new Error(`benchmark of ${backend.name} failed`);
  results[backend.name] = JSON.parse(child.stdout.trim().split('\n').pop()!) as Figures;
}

const names = Object.keys(results);
const rows: [string, keyof Figures, (n: number) => string][] = [
  ['messages:send round trip, median', 'sendMedian', ms],
  ['messages:send round trip, p95', 'sendP95', ms],
  ['fan-out to another member, median', 'fanoutMedian', ms],
  ['burst throughput (16 in flight)', 'burstPerSecond', (n) => `${n.toFixed(0)} msg/s`],
  ['messages:page latest 50, median', 'pageLatestMedian', ms],
  ['messages:page scroll-back 50, median', 'pageBackMedian', ms],
  ['groups:list, median', 'listMedian', ms],
  ['HTTP sign-in (scrypt N=2^15), median', 'signInMedian', ms],
  ['JS heap growth per 1,000 messages', 'heapPer1000', (n) => `${n.toFixed(2)} MiB`],
  ['process RSS at the end (server, storage, 4 clients)', 'rss', (n) => `${n.toFixed(0)} MiB`],
  ['org: department sync from nothing, 10,000 members / 1,000 departments, median', 'orgResyncMedian', ms],
  ['org: department groups created by that sync', 'orgGroupsCreated', (n) => `${n}`],
  ['org: pushes after that sync (flushed after commit), median', 'orgResyncFlushMedian', ms],
  ['org: one member moved (whole org:member:setDepartments), median', 'orgMoveMedian', ms],
  ['org: one member moved, slowest of 21', 'orgMoveMax', ms],
  ['org: groups:list for a member of 500 groups, median', 'orgListMedian', ms],
];
const ratioHeader = names.length === 2 ? ` | ${names[1]} / ${names[0]}` : '';
console.log(`\n| figure | ${names.join(' | ')}${ratioHeader} |`);
console.log(`|---|${names.map(() => '---|').join('')}${ratioHeader ? '---|' : ''}`);
for (const [label, key, fmt] of rows) {
  const vals = names.map((n) => results[n]![key]);
  if (vals.some((v) => v === undefined)) continue; // a part that was not run
  const ratio = names.length === 2 ? ` | ${(vals[1]! / vals[0]!).toFixed(2)}×` : '';
  console.log(`| ${label} | ${(vals as number[]).map(fmt).join(' | ')}${ratio} |`);
}
console.log(`\nnode ${process.version}, ${new Date().toISOString().slice(0, 10)}; run with --expose-gc for the heap figure.`);
process.exit(0);

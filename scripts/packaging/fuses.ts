/**
 * The afterPack step that flips the Electron fuses of a packaged app from the data the project
 * keeps in src/main/electron/fuses.ts (defect 12: the data existed, nothing applied it).
 *
 * electron-builder calls afterPack once per platform/arch after it has copied Electron and the
 * app into appOutDir and before it signs anything, which is the one moment fuses can be flipped:
 * flipping changes the binary, so it must happen before code signing (macOS arm64 builds that
 * are not signed get a fresh ad-hoc signature instead, or they would not start).
 */
import { join } from 'node:path';
import { flipFuses, FuseV1Options, FuseVersion, getCurrentFuseWire, type FuseV1Config } from '@electron/fuses';
import { ELECTRON_FUSES } from '../../src/main/electron/fuses';

/** The subset of electron-builder's AfterPackContext this step reads (kept small so tests can build one). */
export interface PackContext {
  appOutDir: string;
  electronPlatformName: string;
  /** electron-builder's Arch enum: ia32 0, x64 1, armv7l 2, arm64 3, universal 4. */
  arch: number;
  packager: { appInfo: { productFilename: string }; executableName?: string };
}

const ARCH_ARM64 = 3;
const ARCH_UNIVERSAL = 4;

export type FuseName = keyof typeof ELECTRON_FUSES;

/** fuses.ts as @electron/fuses wants it: every key must be a known FuseV1Options name. */
export function fuseConfig(platform: string, arch: number): FuseV1Config {
  const config: FuseV1Config = {
    version: FuseVersion.V1,
    resetAdHocDarwinSignature: platform === 'darwin' && (arch === ARCH_ARM64 || arch === ARCH_UNIVERSAL),
  };
  for (const [name, value] of Object.entries(ELECTRON_FUSES) as [FuseName, boolean][]) {
    const index = (FuseV1Options as unknown as Record<string, number | undefined>)[name];
    if (typeof index !== 'number') throw new Error(`src/main/electron/fuses.ts names "${name}", which is not a FuseV1Options fuse of @electron/fuses`);
    (config as Record<number, boolean>)[index] = value;
  }
  return config;
}

/** The file that carries the fuse wire, as @electron/fuses expects the path. */
export function electronBinaryIn(context: PackContext): string {
  const { appOutDir, electronPlatformName: platform, packager } = context;
  const name = packager.appInfo.productFilename;
  switch (platform) {
    case 'darwin':
    case 'mas':
      return join(appOutDir, `${name}.app`);
    case 'win32':
      return join(appOutDir, `${name}.exe`);
    default:
      return join(appOutDir, packager.executableName ?? name.toLowerCase());
  }
}

/** The fuse states as written in a binary, by name — for tests and `npx @electron/fuses read`-style checks. */
export async function readFuses(binary: string): Promise<Partial<Record<FuseName, boolean>>> {
  const wire = (await getCurrentFuseWire(binary)) as unknown as Record<string, number>;
  const out: Partial<Record<FuseName, boolean>> = {};
  for (const name of Object.keys(ELECTRON_FUSES) as FuseName[]) {
    const state = wire[(FuseV1Options as unknown as Record<string, number>)[name]!];
    if (state === 0x31) out[name] = true;
    else if (state === 0x30) out[name] = false;
  }
  return out;
}

export async function applyFuses(context: PackContext): Promise<void> {
  const binary = electronBinaryIn(context);
  await flipFuses(binary, fuseConfig(context.electronPlatformName, context.arch));
  // Read back: a fuse that did not take (an Electron without it) must fail the build, not ship open.
  const applied = await readFuses(binary);
  const wrong = (Object.entries(ELECTRON_FUSES) as [FuseName, boolean][]).filter(([name, want]) => applied[name] !== want);
  if (wrong.length) throw new Error(`Fuses not applied to ${binary}: ${wrong.map(([n, w]) => `${n} should be ${w}, is ${applied[n] ?? 'absent'}`).join('; ')}`);
  console.log(`  • fuses applied to ${binary}: ${Object.entries(applied).map(([n, v]) => `${n}=${v}`).join(', ')}`);
}

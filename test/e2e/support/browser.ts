import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = process.env.MUSTER_CHROMIUM ?? '/usr/bin/chromium';

/** Debian Chromium, headless, with the flags this sandboxed machine needs. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      ...extraArgs,
    ],
  });
}

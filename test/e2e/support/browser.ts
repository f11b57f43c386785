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

/**
 * Chromium's fake camera: one video input playing `y4mFile` in a loop (test/fixtures/camera/make-y4m.ts
 * writes one). Camera access is decided per browser context, as a person would: a context created
 * with `permissions: ['camera']` gets the camera, any other is refused (NotAllowedError). Chromium's
 * `--use-fake-ui-for-media-stream` is deliberately not passed: it would allow every context, and
 * the "permission denied" state could not be tested.
 */
export function fakeCameraArgs(y4mFile: string): string[] {
  return ['--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${y4mFile}`];
}

/**
 * Electron fuses for the PACKAGING step (data only — nothing here runs in the app).
 *
 * Fuses are bits flipped in the Electron binary at package time (@electron/fuses, or
 * electron-builder's `electronFuses` / Forge's FusesPlugin). They remove whole attack surfaces
 * that no setting in code can: an attacker who can launch our binary must not be able to turn it
 * into a general Node runtime or a debugger target. The packaging config should import this
 * object (or copy it verbatim) and the release check should verify it with `npx @electron/fuses
 * read --app <path>`.
 *
 * Keys are the FuseV1Options names of @electron/fuses.
 */
export const ELECTRON_FUSES = {
  /** ELECTRON_RUN_AS_NODE would turn the signed app into a plain node interpreter. */
  RunAsNode: false,
  /** Encrypt the cookie store with an OS-protected key (like safeStorage). */
  EnableCookieEncryption: true,
  /** NODE_OPTIONS could preload arbitrary code into the main process. */
  EnableNodeOptionsEnvironmentVariable: false,
  /** --inspect / --inspect-brk would expose the main process to a debugger. */
  EnableNodeCliInspectArguments: false,
  /** Refuse to start if app.asar was modified after packaging (macOS / Windows). */
  EnableEmbeddedAsarIntegrityValidation: true,
  /** Load the app only from app.asar, never from a loose `app/` folder someone dropped next to it. */
  OnlyLoadAppFromAsar: true,
  /** Pages served by file:// get no extra privileges (we use muster-app:// anyway). */
  GrantFileProtocolExtraPrivileges: false,
} as const;

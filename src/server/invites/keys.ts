import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { InviteKey } from '@shared/contract';
import { INVITE_KEY_GRACE_DAYS } from '@shared/rules/limits';
import { decodeBase64url, encodeBase64url, newInviteKeyPair, type InviteVerifyKey } from '@shared/rules/invite-token';
import { loadOrCreateSecret } from '../auth/secrets';
import type { Db } from '../storage';
import { toInt, toIso } from '../storage';

/**
 * The organizations' invite signing keys. Created lazily (the first invite, or the first client
 * asking for the public keys); rotation retires the active key and makes a new one; a retired key
 * keeps verifying for INVITE_KEY_GRACE_DAYS — the longest a token lives — so no unexpired token
 * breaks. Private keys are sealed with AES-256-GCM under a server secret (server_secrets, shared
 * by every node through the database): they never appear in plain text in the key table, in key
 * listings, logs or an export of the invite tables.
 */

export const INVITE_KEY_SECRET = 'invite_key_encryption_key';
const DAY_MS = 86_400_000;

export interface KeyRow {
  key_id: number | string;
  org_id: string;
  public_key: string;
  private_key_enc: string;
  created_at: Date | string;
  retired_at: Date | string | null;
}

const KEY_COLUMNS = 'key_id, org_id, public_key, private_key_enc, created_at, retired_at';

/** When a retired key stops verifying. */
export const keyValidUntil = (retiredAt: Date | string | null): Date | null =>
  retiredAt === null ? null : new Date(new Date(retiredAt).getTime() + INVITE_KEY_GRACE_DAYS * DAY_MS);

export const toVerifyKey = (r: KeyRow): InviteVerifyKey => ({
  keyId: toInt(r.key_id),
  publicKey: decodeBase64url(r.public_key)!,
  validUntil: keyValidUntil(r.retired_at),
});

export const toWireKey = (r: KeyRow): InviteKey => ({
  keyId: toInt(r.key_id),
  publicKey: r.public_key,
  createdAt: toIso(r.created_at),
  retiredAt: r.retired_at === null ? null : toIso(r.retired_at),
});

const aad = (keyId: number, orgId: string): Buffer => Buffer.from(`muster-invite-key:${keyId}:${orgId}`, 'utf8');

export const sealSecretKey = (secret: Buffer, keyId: number, orgId: string, seed: Uint8Array): string => {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', secret, iv);
  c.setAAD(aad(keyId, orgId));
  const body = Buffer.concat([c.update(seed), c.final()]);
  return Buffer.concat([iv, body, c.getAuthTag()]).toString('base64');
};

/** Throws when the seal was tampered with, or belongs to another key or organization. */
export const openSecretKey = (secret: Buffer, keyId: number, orgId: string, sealed: string): Uint8Array => {
  const raw = Buffer.from(sealed, 'base64');
  if (raw.length !== 12 + 32 + 16) throw new Error(`invite key ${keyId}: sealed private key has the wrong length`);
  const d = createDecipheriv('aes-256-gcm', secret, raw.subarray(0, 12));
  d.setAAD(aad(keyId, orgId));
  d.setAuthTag(raw.subarray(44));
  return new Uint8Array(Buffer.concat([d.update(raw.subarray(12, 44)), d.final()]));
};

export class InviteKeys {
  private secret: Buffer | undefined;

  constructor(private readonly db: Db) {}

  /**
   * Loads the sealing secret (creating it on first start) outside any transaction. Call before
   * opening one: a secret first created inside a transaction that rolls back must never be cached.
   */
  async prepare(): Promise<void> {
    this.secret ??= await loadOrCreateSecret(this.db, INVITE_KEY_SECRET);
  }

  /** The cached secret, or — not prepared (the seed) — read through the caller's transaction, uncached. */
  private async sealingSecret(tx: Db): Promise<Buffer> {
    return this.secret ?? loadOrCreateSecret(tx, INVITE_KEY_SECRET);
  }

  /** Every key of the organization still able to verify at `now`, newest first. */
  async listValid(db: Db, orgId: string, now: Date): Promise<KeyRow[]> {
    const rows = await db.query<KeyRow>(`select ${KEY_COLUMNS} from invite_keys where org_id = $1 order by created_at desc, key_id`, [orgId]);
    return rows.filter((r) => {
      const until = keyValidUntil(r.retired_at);
      return until === null || until.getTime() > now.getTime();
    });
  }

  /** A key of any organization of this instance, by id (tokens name their key, the key its org). */
  async byId(db: Db, keyId: number): Promise<KeyRow | null> {
    return (await db.query<KeyRow>(`select ${KEY_COLUMNS} from invite_keys where key_id = $1`, [keyId]))[0] ?? null;
  }

  /** The organization's signing key, created on first use. */
  async active(tx: Db, orgId: string, now: Date, createdBy: string | null): Promise<KeyRow> {
    const found = await this.activeRow(tx, orgId);
    if (found) return found;
    // Creation and rotation of one organization's keys are serialised (one active key at a time).
    await this.lockOrg(tx, orgId);
    return (await this.activeRow(tx, orgId)) ?? this.insert(tx, orgId, now, createdBy);
  }

  /** Retires the active key (if any) and makes a new one. Returns both. */
  async rotate(tx: Db, orgId: string, now: Date, by: string): Promise<{ retired: KeyRow | null; created: KeyRow }> {
    await this.lockOrg(tx, orgId);
    const retired =
      (
        await tx.query<KeyRow>(
          `update invite_keys set retired_at = $2 where org_id = $1 and retired_at is null returning ${KEY_COLUMNS}`,
          [orgId, now.toISOString()],
        )
      )[0] ?? null;
    return { retired, created: await this.insert(tx, orgId, now, by) };
  }

  /** The key's private half, for signing. */
  async secretKeyOf(tx: Db, row: KeyRow): Promise<Uint8Array> {
    return openSecretKey(await this.sealingSecret(tx), toInt(row.key_id), row.org_id, row.private_key_enc);
  }

  private async activeRow(tx: Db, orgId: string): Promise<KeyRow | null> {
    return (await tx.query<KeyRow>(`select ${KEY_COLUMNS} from invite_keys where org_id = $1 and retired_at is null`, [orgId]))[0] ?? null;
  }

  private async lockOrg(tx: Db, orgId: string): Promise<void> {
    await tx.query(`select pg_advisory_xact_lock(hashtext('invite-keys:' || $1::text))`, [orgId]);
  }

  private async insert(tx: Db, orgId: string, now: Date, createdBy: string | null): Promise<KeyRow> {
    const secret = await this.sealingSecret(tx);
    const pair = newInviteKeyPair();
    // Random ids (not a counter): they say nothing about how many organizations or rotations there are.
    // A collision on the instance-wide id is skipped and another drawn.
    for (let attempt = 0; attempt < 16; attempt++) {
      const keyId = randomBytes(4).readUInt32BE(0);
      const rows = await tx.query<KeyRow>(
        `insert into invite_keys (key_id, org_id, public_key, private_key_enc, created_at, created_by)
         values ($1, $2, $3, $4, $5, $6) on conflict (key_id) do nothing returning ${KEY_COLUMNS}`,
        [keyId, orgId, encodeBase64url(pair.publicKey), sealSecretKey(secret, keyId, orgId, pair.secretKey), now.toISOString(), createdBy],
      );
      if (rows[0]) return rows[0];
    }
    throw new Error('could not draw a free invite key id');
  }
}

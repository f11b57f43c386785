import { randomBytes } from 'node:crypto';
import type { Db } from '../storage';

/**
 * A random secret shared by every node through the database: the first node to start creates it,
 * the others (even starting at the same instant) read the same row.
 */
export const loadOrCreateSecret = async (db: Db, name: string, bytes = 32): Promise<Buffer> => {
  await db.query('insert into server_secrets (name, value) values ($1, $2) on conflict (name) do nothing', [
    name,
    randomBytes(bytes).toString('base64'),
  ]);
  const rows = await db.query<{ value: string }>('select value from server_secrets where name = $1', [name]);
  const value = rows[0]?.value;
  if (!value) throw new Error(`server secret ${name} is missing`);
  return Buffer.from(value, 'base64');
};

export const ACCESS_TOKEN_KEY_SECRET = 'access_token_hmac_key';

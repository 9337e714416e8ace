// The data keys of employees in Postgres (employee_keys, migration 019) and the process's bounded cache of
// unwrapped keys: seals an employee's personal data under their live key (made on first use), opens envelopes
// (an erased key reads as `erased`), erases keys. Configured once per process with the payload keys
// (configureDataKeys); unconfigured, values are stored and read as they are. Never logs or returns a key.
import type { Pool, PoolClient } from 'pg';
import {
  blindIndexKey, blindIndexOf, blindTermOf, DataKeyError, envelopeKeyId, ERASED, newDataKey, openWith, sealWith,
  unwrapDataKey, wrapDataKey, wrappingKeyFrom, type DataKey, type WrappingKey,
} from '../crypto/dataKeys';
import { readPayloadKeys, type PayloadKeyConfig } from '../crypto/payloadKeyFile';

type Db = Pool | PoolClient;

/** The tenant's own key: data about no employee (pay runs, test messages). '' is never an employee id (subject.ts). */
export const TENANT_KEY = '';
const CACHE_MAX = 10_000;
const CACHE_TTL_MS = 30_000;

interface Configured {
  payloadKeys: string[];
  wrapping: WrappingKey[];
}

let configured: Configured | null = null;

/** Installs the payload keys (current first) every data key of this process is wrapped with; null: none (the bench's "off"). */
export function configureDataKeys(current: string | null, previous?: string | null): void {
  const payloadKeys = current === null ? [] : [current, ...(previous && previous !== current ? [previous] : [])];
  configured = current === null ? null : { payloadKeys, wrapping: payloadKeys.map(wrappingKeyFrom) };
  keyCache.clear();
  liveCache.clear();
}

/** For a process that does not check its key against Postgres (the CLI): the configured payload keys, when there are. */
export function configureDataKeysFrom(config: PayloadKeyConfig): void {
  const keys = configured ? null : readPayloadKeys(config);
  if (keys) configureDataKeys(keys.current, keys.previous);
}

export function dataKeysConfigured(): boolean {
  return configured !== null;
}

/** A small LRU with a time to live: Map order is recency order. */
class BoundedCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();
  constructor(private readonly max: number, private readonly ttlMs: number) {}
  get(key: string): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    this.entries.delete(key);
    if (hit.until < Date.now()) return undefined;
    this.entries.set(key, hit);
    return hit.value;
  }
  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, until: Date.now() + this.ttlMs });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }
  deleteWhere(match: (key: string, value: V) => boolean): void {
    for (const [k, v] of this.entries) if (match(k, v.value)) this.entries.delete(k);
  }
  clear(): void {
    this.entries.clear();
  }
}

/** Unwrapped keys by key id (opening), and the live key id of each (tenant, employee) (sealing). */
const keyCache = new BoundedCache<DataKey & { owner: string }>(CACHE_MAX, CACHE_TTL_MS);
const liveCache = new BoundedCache<string>(CACHE_MAX, CACHE_TTL_MS);
const ownerOf = (tenantId: string, employeeId: string) => `${tenantId}\u0000${employeeId}`;

function unwrapRow(c: Configured, row: { key_id: string; tenant_id: string; employee_id: string; wrapped: string }): DataKey {
  const { key } = unwrapDataKey(c.wrapping, row.key_id, row.wrapped);
  keyCache.set(row.key_id, { ...key, owner: ownerOf(row.tenant_id, row.employee_id) });
  return key;
}

/** The employee's live data key, made (and stored wrapped) on first use. Run it outside the caller's transaction. */
async function liveKey(db: Db, c: Configured, tenantId: string, employeeId: string): Promise<DataKey> {
  const owner = ownerOf(tenantId, employeeId);
  const cachedId = liveCache.get(owner);
  const cached = cachedId ? keyCache.get(cachedId) : undefined;
  if (cached) return cached;
  const fresh = newDataKey();
  await db.query(
    `INSERT INTO employee_keys (key_id, tenant_id, employee_id, wrapped) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant_id, employee_id) WHERE erased_at IS NULL DO NOTHING`,
    [fresh.keyId, tenantId, employeeId, wrapDataKey(c.wrapping[0]!, fresh)],
  );
  const { rows } = await db.query(
    'SELECT key_id, tenant_id, employee_id, wrapped FROM employee_keys WHERE tenant_id = $1 AND employee_id = $2 AND erased_at IS NULL',
    [tenantId, employeeId],
  );
  if (!rows[0]) throw new DataKeyError(`no live data key for an employee of tenant ${tenantId} (erased while being made)`);
  const key = unwrapRow(c, rows[0]);
  liveCache.set(owner, key.keyId);
  return key;
}

/** A sealer for one (tenant, employee): resolves the key once, seals any number of values (clear when unconfigured). */
export async function sealerFor(db: Db, tenantId: string, employeeId: string | null): Promise<(plain: string) => string> {
  const c = configured;
  if (!c) return (plain) => plain;
  const key = await liveKey(db, c, tenantId, employeeId ?? TENANT_KEY);
  return (plain) => sealWith(key, plain);
}

/**
 * The sealer of the data a value was sealed with (an attempt's bodies go under its event's key): that value's key
 * when it is an envelope whose key is known here, else the (tenant, employee)'s live key.
 */
export async function sealerLike(db: Db, sealed: unknown, tenantId: string, employeeId: string | null): Promise<(plain: string) => string> {
  const id = envelopeKeyId(sealed);
  const key = id ? keyCache.get(id) : undefined;
  return key ? (plain) => sealWith(key, plain) : sealerFor(db, tenantId, employeeId);
}

/** Loads the keys of these envelopes into the cache (one query for those missing); erased or unknown ids stay out. */
async function loadKeys(db: Db, keyIds: string[]): Promise<void> {
  const c = configured;
  const missing = [...new Set(keyIds)].filter((id) => !keyCache.get(id));
  if (missing.length === 0) return;
  if (!c) throw new DataKeyError('personal data is encrypted but this process has no payload key (HRHOOKS_PAYLOAD_KEY)');
  const { rows } = await db.query(
    'SELECT key_id, tenant_id, employee_id, wrapped FROM employee_keys WHERE key_id = ANY($1::text[]) AND wrapped IS NOT NULL',
    [missing],
  );
  for (const row of rows) unwrapRow(c, row);
}

/** Opens each value: an envelope with its key (ERASED when the key is gone), anything else as it is. */
export async function openValues<T>(db: Db, values: T[]): Promise<Array<T | string>> {
  const ids = values.map(envelopeKeyId);
  await loadKeys(db, ids.filter((id): id is string => id !== null));
  return values.map((v, i) => {
    const id = ids[i];
    if (id == null) return v;
    const key = keyCache.get(id);
    return key ? openWith(key, v as unknown as string) : ERASED;
  });
}

/**
 * Inside a transaction that stores data sealed under `keyId`: whether the key is still live, locked (FOR SHARE)
 * until the transaction ends, so an erasure running meanwhile waits and then redacts what this one stored. False
 * when another process erased it since this one cached it: the caller seals again under a fresh key.
 */
export async function holdLiveKey(client: PoolClient, keyId: string): Promise<boolean> {
  const { rowCount } = await client.query('SELECT 1 FROM employee_keys WHERE key_id = $1 AND erased_at IS NULL FOR SHARE', [keyId]);
  return (rowCount ?? 0) > 0;
}

/** Erases every data key of one employee of one tenant (run in the erasure's transaction); returns how many. */
export async function eraseEmployeeKeys(db: Db, tenantId: string, employeeId: string): Promise<number> {
  const { rowCount } = await db.query(
    'UPDATE employee_keys SET wrapped = NULL, erased_at = now() WHERE tenant_id = $1 AND employee_id = $2 AND erased_at IS NULL',
    [tenantId, employeeId],
  );
  forgetEmployee(tenantId, employeeId);
  return rowCount ?? 0;
}

/** Drops this process's cached keys of the employee (after an erasure). */
export function forgetEmployee(tenantId: string, employeeId: string): void {
  const owner = ownerOf(tenantId, employeeId);
  liveCache.deleteWhere((k) => k === owner);
  keyCache.deleteWhere((_, v) => v.owner === owner);
}

/** The blind index of a subject name in this tenant (empty when unconfigured: then the name is stored in clear). */
export function nameIndexOf(tenantId: string, name: string | null): string[] | null {
  const c = configured;
  if (!c || name === null) return null;
  return blindIndexOf(blindIndexKey(c.payloadKeys[0]!, tenantId), name);
}

/** The index terms a name search looks for in this tenant (under the current and the previous payload key). */
export function nameSearchTerms(tenantId: string, query: string): string[] {
  const c = configured;
  if (!c) return [];
  return c.payloadKeys.map((k) => blindTermOf(blindIndexKey(k, tenantId), query)).filter((t): t is string => t !== null);
}

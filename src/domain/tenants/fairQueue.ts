// A bounded queue of accepted events (their keys: ./eventKey.ts) that serves tenants in turn: `take` hands out
// one key of each tenant round the circle, each tenant's own in arrival order, so a tenant with 10,000 events
// waiting does not stand in front of one with 5. When full, a key of a tenant with fewer queued than the largest
// displaces that tenant's newest (it is dropped: the caller's durable store keeps it). Pure: no I/O.
import { eventRefOf } from './eventKey';

export class FairQueue {
  /** Per tenant, its keys in arrival order; the map's order is the turn order (a served tenant goes to the back). */
  private readonly byTenant = new Map<string, Set<string>>();
  private count = 0;

  /** `fair` false: every key in one line, plain FIFO (HRHOOKS_FAIRNESS=off). */
  constructor(private readonly capacity: number, private readonly fair = true) {}

  private tenantOf(key: string): string {
    return this.fair ? eventRefOf(key).tenantId : '';
  }

  get size(): number {
    return this.count;
  }

  has(key: string): boolean {
    return this.byTenant.get(this.tenantOf(key))?.has(key) ?? false;
  }

  /** Queues `key`; false when it was not (full, and its tenant already has the most queued). */
  add(key: string): boolean {
    const tenant = this.tenantOf(key);
    const own = this.byTenant.get(tenant);
    if (own?.has(key)) return true;
    if (this.count >= this.capacity && !this.displaceFor(own?.size ?? 0)) return false;
    if (own) own.add(key);
    else this.byTenant.set(tenant, new Set([key]));
    this.count += 1;
    return true;
  }

  /** Up to `n` keys, one per tenant in turn; each tenant served goes to the back of the turn order. */
  take(n: number): string[] {
    const out: string[] = [];
    while (out.length < n && this.count > 0) {
      for (const [tenant, keys] of [...this.byTenant]) {
        if (out.length >= n) break;
        const first = keys.values().next().value as string;
        keys.delete(first);
        this.count -= 1;
        out.push(first);
        this.byTenant.delete(tenant);
        if (keys.size > 0) this.byTenant.set(tenant, keys);
      }
    }
    return out;
  }

  clear(): void {
    this.byTenant.clear();
    this.count = 0;
  }

  /** Drops the newest key of the tenant with the most queued, if it has more than `ownSize` + 1; whether one went. */
  private displaceFor(ownSize: number): boolean {
    let largest: Set<string> | null = null;
    for (const keys of this.byTenant.values()) if (!largest || keys.size > largest.size) largest = keys;
    if (!largest || largest.size <= ownSize + 1) return false;
    let newest = '';
    for (const key of largest) newest = key;
    largest.delete(newest);
    this.count -= 1;
    return true;
  }
}

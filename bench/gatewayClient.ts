// What a benchmark scenario talks to: the gateway's public HTTP API (as a producer and as an
// admin) and the bench receiver's control endpoint. Keep-alive connections, 127.0.0.1 only.
import { Agent, request } from 'undici';

export interface EventBody {
  id: string;
  type: string;
  occurredAt: string;
  data: unknown;
}

export interface Posted {
  status: number;
  sentAt: number;
  respondedAt: number;
  deliveryIds: string[];
}

export interface Arrival {
  at: number;
  status: number;
}

export interface ReceiverStats {
  total: number;
  ok: number;
  failed: number;
  uniqueOk: number;
  requests: number;
  firstAtPrefix: number;
  lastOkAtPrefix: number;
}

export const now = (): number => performance.timeOrigin + performance.now();

export class GatewayClient {
  private readonly agent = new Agent({ connections: 128, keepAliveTimeout: 4_000, pipelining: 1 });

  constructor(
    readonly gatewayUrl: string,
    readonly receiverUrl: string,
    private readonly adminKey: string,
    private readonly producerKey: string,
  ) {}

  private async call(base: string, method: 'GET' | 'POST' | 'DELETE', path: string, key: string | null, body?: unknown) {
    const res = await request(`${base}${path}`, {
      method,
      dispatcher: this.agent,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      headersTimeout: 120_000,
      bodyTimeout: 120_000,
    });
    const text = await res.body.text();
    return { status: res.statusCode, json: text ? (JSON.parse(text) as any) : null };
  }

  async createSubscription(spec: Record<string, unknown>): Promise<{ id: string; secret?: string }> {
    const res = await this.call(this.gatewayUrl, 'POST', '/v1/subscriptions', this.adminKey, spec);
    if (res.status !== 201 && res.status !== 200) throw new Error(`create subscription: HTTP ${res.status} ${JSON.stringify(res.json)}`);
    return res.json;
  }

  async deleteSubscription(id: string): Promise<void> {
    await this.call(this.gatewayUrl, 'DELETE', `/v1/subscriptions/${id}`, this.adminKey);
  }

  async postEvent(event: EventBody): Promise<Posted> {
    const sentAt = now();
    const res = await this.call(this.gatewayUrl, 'POST', '/v1/events', this.producerKey, event);
    const respondedAt = now();
    const deliveryIds = res.status === 202 ? (res.json.deliveries as { id: string }[]).map((d) => d.id) : [];
    return { status: res.status, sentAt, respondedAt, deliveryIds };
  }

  async bulkResync(subscriptionId: string): Promise<{ matched: number; signalled: number }> {
    const res = await this.call(this.gatewayUrl, 'POST', '/v1/deliveries/resync', this.adminKey, { subscriptionId, note: 'bench drain' });
    if (res.status !== 202) throw new Error(`bulk resync: HTTP ${res.status} ${JSON.stringify(res.json)}`);
    return res.json;
  }

  async receiverStatus(prefix: string, status: number): Promise<void> {
    await this.call(this.receiverUrl, 'POST', '/_control/status', null, { prefix, status });
  }

  async receiverReset(): Promise<void> {
    await this.call(this.receiverUrl, 'POST', '/_control/reset', null, {});
  }

  async receiverStats(prefix: string): Promise<ReceiverStats> {
    return (await this.call(this.receiverUrl, 'GET', `/_control/stats?prefix=${encodeURIComponent(prefix)}`, null)).json;
  }

  async receiverArrivals(prefix: string): Promise<Record<string, Arrival[]>> {
    return (await this.call(this.receiverUrl, 'GET', `/_control/arrivals?prefix=${encodeURIComponent(prefix)}`, null)).json;
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

// Prometheus metrics shared by the gateway and the worker (prom-client default registry).
import client from 'prom-client';

export const registry = client.register;
let defaultsOn = false;

export function collectProcessMetrics(): void {
  if (defaultsOn) return;
  defaultsOn = true;
  client.collectDefaultMetrics({ prefix: 'hrhooks_' });
}

function metric<T>(name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

export const eventsAccepted = metric('hrhooks_events_accepted_total', () =>
  new client.Counter({ name: 'hrhooks_events_accepted_total', help: 'Events accepted by POST /v1/events', labelNames: ['type'] }),
);

export const attemptsTotal = metric('hrhooks_delivery_attempts_total', () =>
  new client.Counter({ name: 'hrhooks_delivery_attempts_total', help: 'Delivery attempts by outcome', labelNames: ['format', 'outcome'] }),
);

export const workflowStarts = metric('hrhooks_event_workflow_starts_total', () =>
  new client.Counter({ name: 'hrhooks_event_workflow_starts_total', help: 'Event workflows started, and how', labelNames: ['how'] }),
);

export const deliveriesFinished = metric('hrhooks_deliveries_total', () =>
  new client.Counter({ name: 'hrhooks_deliveries_total', help: 'Deliveries that reached a status', labelNames: ['status'] }),
);

export const attemptDuration = metric('hrhooks_attempt_duration_seconds', () =>
  new client.Histogram({
    name: 'hrhooks_attempt_duration_seconds',
    help: 'Duration of one outbound POST',
    labelNames: ['format'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
  }),
);

export const httpRequests = metric('hrhooks_http_requests_total', () =>
  new client.Counter({ name: 'hrhooks_http_requests_total', help: 'Gateway HTTP requests', labelNames: ['method', 'route', 'status'] }),
);

export const httpDuration = metric('hrhooks_http_request_duration_seconds', () =>
  new client.Histogram({
    name: 'hrhooks_http_request_duration_seconds',
    help: 'Gateway HTTP request duration',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  }),
);

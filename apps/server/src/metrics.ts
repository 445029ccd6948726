import { Registry, collectDefaultMetrics, Histogram } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  // One child per (method, route, status), kept: prom-client hashes the label values on every `labels()` call.
  const children = new Map<string, ReturnType<typeof duration.labels>>();
  return {
    registry,
    contentType: registry.contentType,
    observeRequest(method: string, route: string, status: number, seconds: number): void {
      const key = `${method} ${status} ${route}`;
      let child = children.get(key);
      if (!child) {
        child = duration.labels(method, route, String(status));
        children.set(key, child);
      }
      child.observe(seconds);
    },
    render: () => registry.metrics(),
  };
}

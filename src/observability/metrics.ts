import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The bot's Prometheus metrics, on a registry of its own so tests can make many. */
export class Metrics {
  readonly registry = new Registry();

  readonly recordsReceived = new Counter({
    name: 'emnify_records_received_total',
    help: 'Records received from the Data Streamer or the API',
    labelNames: ['source'],
    registers: [this.registry],
  });

  readonly eventsStored = new Counter({
    name: 'emnify_events_stored_total',
    help: 'Events stored for the first time, by event type id',
    labelNames: ['type'],
    registers: [this.registry],
  });

  readonly duplicates = new Counter({
    name: 'emnify_events_duplicate_total',
    help: 'Events received again and not stored twice',
    registers: [this.registry],
  });

  readonly ignored = new Counter({
    name: 'emnify_records_ignored_total',
    help: 'Usage records recognised and set aside',
    registers: [this.registry],
  });

  readonly rejected = new Counter({
    name: 'emnify_records_rejected_total',
    help: 'Records quarantined because they are not valid events',
    registers: [this.registry],
  });

  readonly deliveries = new Counter({
    name: 'emnify_deliveries_total',
    help: 'Delivery attempts, by adapter and outcome',
    labelNames: ['adapter', 'outcome'],
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: 'emnify_delivery_rate_limited_total',
    help: 'Answers that told the bot to wait (HTTP 429), by adapter',
    labelNames: ['adapter'],
    registers: [this.registry],
  });

  readonly deliveryLatency = new Histogram({
    name: 'emnify_delivery_latency_seconds',
    help: 'Time from storing an event to its message being posted',
    labelNames: ['adapter'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300, 1800],
    registers: [this.registry],
  });

  readonly polls = new Counter({
    name: 'emnify_api_polls_total',
    help: 'Polls of the emnify API, by outcome',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  readonly pollPages = new Counter({
    name: 'emnify_api_pages_total',
    help: 'Event pages read from the emnify API',
    registers: [this.registry],
  });

  readonly polledEvents = new Counter({
    name: 'emnify_api_events_total',
    help: 'Records read from the emnify API',
    registers: [this.registry],
  });

  /** Reads outbox depth and the oldest due delivery whenever /metrics is scraped. */
  observeOutbox(read: () => Promise<{ byStatus: Record<string, number>; oldestDueMs: number }>) {
    this.registry.registerMetric(
      new Gauge({
        name: 'emnify_outbox_deliveries',
        help: 'Deliveries in the outbox, by status',
        labelNames: ['status'],
        registers: [],
        async collect() {
          const stats = await read();
          this.reset();
          for (const [status, n] of Object.entries(stats.byStatus)) this.set({ status }, n);
        },
      }),
    );
    this.registry.registerMetric(
      new Gauge({
        name: 'emnify_outbox_oldest_due_seconds',
        help: 'Age of the oldest delivery that is due but not yet taken',
        registers: [],
        async collect() {
          this.set((await read()).oldestDueMs / 1000);
        },
      }),
    );
  }

  constructor(options: { defaults?: boolean } = {}) {
    if (options.defaults) collectDefaultMetrics({ register: this.registry });
  }
}

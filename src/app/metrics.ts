import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { Inbound, InboundHandler } from "../core/conversation/inbound.js";
import type { Queues } from "../jobs/queues.js";

/** Prometheus metrics of one process: Node defaults, inbound events, and queue depths read at scrape time. */
export class Metrics {
  readonly registry = new Registry();
  private readonly inbound: Counter<"platform">;

  constructor(queues: Queues) {
    collectDefaultMetrics({ register: this.registry, prefix: "nemo_" });
    this.inbound = new Counter({
      name: "nemo_inbound_events_total",
      help: "Inbound chat events taken in, by platform",
      labelNames: ["platform"],
      registers: [this.registry],
    });
    new Gauge({
      name: "nemo_queue_jobs",
      help: "Jobs per queue and state",
      labelNames: ["queue", "state"],
      registers: [this.registry],
      async collect() {
        for (const queue of Object.values(queues)) {
          const counts = await queue.getJobCounts("waiting", "active", "delayed", "failed");
          for (const [state, count] of Object.entries(counts))
            this.set({ queue: queue.name, state }, Number(count));
        }
      },
    });
  }

  /** Wraps the gateway so every inbound event is counted. */
  counting(handler: InboundHandler): InboundHandler {
    return {
      handle: (inbound: Inbound) => {
        this.inbound.inc({ platform: inbound.ref.platform });
        return handler.handle(inbound);
      },
      ...(handler.isConversation ? { isConversation: handler.isConversation.bind(handler) } : {}),
    };
  }
}

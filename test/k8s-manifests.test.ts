import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { Metrics } from "../src/app/metrics.js";
import { registerQueueMetrics } from "../src/app/queue-metrics.js";
import { configSchema } from "../src/config/config.js";

const DIR = "deploy/k8s";

/** Offline schema validation with the Kubernetes (and KEDA) JSON schemas the kubernetes-models packages ship. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  "apps/v1/Deployment": Deployment,
  "v1/Service": Service,
  "v1/ConfigMap": ConfigMap,
  "v1/Secret": Secret,
  "v1/Namespace": Namespace,
  "keda.sh/v1alpha1/ScaledObject": ScaledObject,
};

interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  // biome-ignore lint/suspicious/noExplicitAny: manifests are read as plain data
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

const kustomization = (await readYaml("kustomization.yaml"))[0] as unknown as { resources: string[] };
const resources: Resource[] = [];
for (const file of kustomization.resources) resources.push(...(await readYaml(file)));

async function readYaml(file: string): Promise<Resource[]> {
  const documents = parseAllDocuments(await readFile(join(DIR, file), "utf8"));
  for (const document of documents) expect(document.errors, file).toEqual([]);
  return documents.map((document) => document.toJSON() as Resource);
}

const byKind = (kind: string, name: string) => {
  const found = resources.find((resource) => resource.kind === kind && resource.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in ${DIR}`);
  return found;
};

describe("deploy/k8s: the Kubernetes example", () => {
  it("lists every manifest of the folder in kustomization.yaml", async () => {
    const files = (await readdir(DIR)).filter(
      (file) => file.endsWith(".yaml") && file !== "kustomization.yaml",
    );
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it("every resource passes its Kubernetes / KEDA JSON schema (offline)", () => {
    expect(resources.length).toBeGreaterThanOrEqual(7);
    for (const resource of resources) {
      const model = MODELS[`${resource.apiVersion}/${resource.kind}`];
      expect(model, `${resource.apiVersion} ${resource.kind} has no schema here`).toBeDefined();
      expect(
        () => new model!(resource as never).validate(),
        `${resource.kind} ${resource.metadata.name}`,
      ).not.toThrow();
    }
  });

  it("the schema check can fail: a broken Deployment is refused", () => {
    const broken = structuredClone(byKind("Deployment", "nemo-worker"));
    broken.spec.template.spec.containers[0].ports[0].containerPort = "admin";
    expect(() => new Deployment(broken as never).validate()).toThrow(/containerPort/);
  });

  it("gateway: public port with readiness on /healthz, liveness, a Service; worker: readiness on the admin /healthz", () => {
    const gateway = byKind("Deployment", "nemo-gateway").spec.template.spec.containers[0];
    expect(gateway.args).toEqual(["start", "--role", "gateway"]);
    expect(gateway.readinessProbe.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(gateway.livenessProbe).toBeDefined();
    expect(gateway.ports).toContainEqual({ name: "http", containerPort: 3000 });
    const service = byKind("Service", "nemo-gateway");
    expect(service.spec.ports[0].targetPort).toBe("http");
    expect(service.spec.selector).toEqual(byKind("Deployment", "nemo-gateway").spec.selector.matchLabels);
    const worker = byKind("Deployment", "nemo-worker").spec.template.spec.containers[0];
    expect(worker.args).toEqual(["start", "--role", "worker"]);
    expect(worker.readinessProbe.httpGet).toEqual({ path: "/healthz", port: "admin" });
    expect(worker.ports).toContainEqual({ name: "admin", containerPort: 9464 });
    const config = byKind("ConfigMap", "nemo-video-bot-config").data!;
    // Probes and Prometheus reach the admin port from outside the pod.
    expect(config.ADMIN_HOST).toBe("0.0.0.0");
    expect(config.ADMIN_PORT).toBe("9464");
    expect(config.PORT).toBe("3000");
  });

  it("the scaling rule targets the workers on the waiting-job metric the bot exports", async () => {
    const scaled = byKind("ScaledObject", "nemo-worker");
    expect(scaled.spec.scaleTargetRef.name).toBe("nemo-worker");
    const trigger = scaled.spec.triggers[0];
    expect(trigger.type).toBe("prometheus");
    expect(trigger.metadata.query).toContain('nemo_queue_jobs{state="waiting"}');
    const metrics = new Metrics();
    registerQueueMetrics(metrics.registry, []);
    const names = (await metrics.registry.getMetricsAsJSON()).map((metric) => metric.name);
    expect(names).toContain("nemo_queue_jobs");
  });

  it("the environment names only variables the bot reads, including Slack distribution and sharding", () => {
    const config = byKind("ConfigMap", "nemo-video-bot-config").data!;
    const secret = byKind("Secret", "nemo-video-bot-secrets").stringData!;
    const known = new Set(Object.keys(configSchema.shape));
    // Variables the other parts of this release add (Slack distribution, Discord sharding, secrets at rest).
    const added = [
      "SECRETS_KEY",
      "SLACK_CLIENT_ID",
      "SLACK_CLIENT_SECRET",
      "SLACK_STATE_SECRET",
      "DISCORD_SHARDS",
    ];
    for (const name of [...Object.keys(config), ...Object.keys(secret)])
      expect(known.has(name) || added.includes(name), name).toBe(true);
    for (const name of added) expect(name in config || name in secret, name).toBe(true);
    expect(secret.REDIS_URL).toMatch(/^redis/);
  });
});

import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject";
import { TriggerAuthentication } from "@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication";
import { ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { Metrics } from "../src/app/metrics.js";
import { registerQueueMetrics } from "../src/app/queue-metrics.js";
import { configSchema } from "../src/config/config.js";

const DIR = "deploy/k8s";

type Model = new (data: never) => { validate(): void };

/**
 * Offline schema validation with the JSON schemas the kubernetes-models packages ship: Kubernetes, and the
 * CRDs of KEDA and prometheus-operator.
 */
const MODELS: Record<string, Model> = {
  "apps/v1/Deployment": Deployment,
  "v1/Service": Service,
  "v1/ConfigMap": ConfigMap,
  "v1/Secret": Secret,
  "v1/Namespace": Namespace,
  "keda.sh/v1alpha1/ScaledObject": ScaledObject,
  "keda.sh/v1alpha1/TriggerAuthentication": TriggerAuthentication,
  "monitoring.coreos.com/v1/ServiceMonitor": ServiceMonitor,
};

/** A value no typed schema accepts (not a string, number, boolean, array, object or null). */
const NOT_JSON = () => undefined;

/**
 * The fields of `resource` its schema says nothing about. The shipped schemas allow unknown properties,
 * so each field in turn is replaced by a value no type accepts: a field the schema knows then fails
 * validation; one it does not know (a typo, a field of another version) still passes, and is reported.
 */
function unknownFields(model: Model, resource: unknown): string[] {
  const found: string[] = [];
  const visit = (node: unknown, path: string[]) => {
    if (node === null || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node)) {
      const at = [...path, key];
      const probe = structuredClone(resource) as Record<string, unknown>;
      let parent: Record<string, unknown> = probe;
      for (const step of path) parent = parent[step] as Record<string, unknown>;
      parent[key] = NOT_JSON;
      let accepted = true;
      try {
        new model(probe as never).validate();
      } catch {
        accepted = false;
      }
      if (accepted) found.push(at.join("."));
      else visit(value, at);
    }
  };
  visit(resource, []);
  return found;
}

interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
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

  it("no resource has a field its schema does not know (typos, fields of other versions)", () => {
    for (const resource of resources) {
      const model = MODELS[`${resource.apiVersion}/${resource.kind}`]!;
      expect(unknownFields(model, resource), `${resource.kind} ${resource.metadata.name}`).toEqual([]);
    }
  });

  it("the unknown-field check can fail: a misspelt field is named, in a core kind and in a CRD", () => {
    const monitor = structuredClone(byKind("ServiceMonitor", "nemo-video-bot"));
    monitor.spec.endpoints[0].bearerTokenSecrett = { name: "nemo-video-bot-secrets", key: "ADMIN_TOKEN" };
    expect(unknownFields(ServiceMonitor, monitor)).toEqual(["spec.endpoints.0.bearerTokenSecrett"]);
    const worker = structuredClone(byKind("Deployment", "nemo-worker"));
    worker.spec.template.spec.terminationGracePeriod = 45;
    expect(unknownFields(Deployment, worker)).toEqual(["spec.template.spec.terminationGracePeriod"]);
  });

  it("the schema check can fail: a broken Deployment is refused", () => {
    const broken = structuredClone(byKind("Deployment", "nemo-worker"));
    broken.spec.template.spec.containers[0].ports[0].containerPort = "admin";
    expect(() => new Deployment(broken as never).validate()).toThrow(/containerPort/);
  });

  it("gateway: public port and a Service, probes on the admin port (bound by every role); worker: readiness on the admin /healthz", () => {
    const gateway = byKind("Deployment", "nemo-gateway").spec.template.spec.containers[0];
    expect(gateway.args).toEqual(["start", "--role", "gateway"]);
    expect(gateway.readinessProbe.httpGet).toEqual({ path: "/healthz", port: "admin" });
    expect(gateway.startupProbe.httpGet).toEqual({ path: "/healthz", port: "admin" });
    expect(gateway.livenessProbe.tcpSocket).toEqual({ port: "admin" });
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

  it("Prometheus scrapes every pod's admin port with ADMIN_TOKEN from the Secret, under the job the alerts use", async () => {
    const monitor = byKind("ServiceMonitor", "nemo-video-bot");
    const service = resources.find(
      (r) =>
        r.kind === "Service" &&
        Object.entries(monitor.spec.selector.matchLabels).every(
          ([key, value]) => r.metadata.labels?.[key] === value,
        ),
    );
    expect(service?.metadata.name).toBe("nemo-video-bot-metrics");
    const endpoint = monitor.spec.endpoints[0];
    const port = service!.spec.ports.find((p: { name: string }) => p.name === endpoint.port);
    expect(endpoint.path).toBe("/metrics");
    expect(endpoint.authorization).toEqual({
      type: "Bearer",
      credentials: { name: "nemo-video-bot-secrets", key: "ADMIN_TOKEN" },
    });
    expect("ADMIN_TOKEN" in byKind("Secret", "nemo-video-bot-secrets").stringData!).toBe(true);
    for (const name of ["nemo-gateway", "nemo-worker"]) {
      const pod = byKind("Deployment", name).spec.template;
      // The metrics Service selects this pod and reaches its admin port by name.
      for (const [key, value] of Object.entries(service!.spec.selector))
        expect(pod.metadata.labels[key], name).toBe(value);
      expect(pod.spec.containers[0].ports, name).toContainEqual({
        name: port.targetPort,
        containerPort: 9464,
      });
      // Annotation scraping sends no token: it would only produce failing targets.
      expect(
        Object.keys(pod.metadata.annotations ?? {}).filter((k) => k.startsWith("prometheus.io/")),
        name,
      ).toEqual([]);
    }
    // prometheus-operator names the job after the Service's `jobLabel` label (or the Service's name).
    const job = monitor.spec.jobLabel
      ? service!.metadata.labels?.[monitor.spec.jobLabel]
      : service!.metadata.name;
    if (job === undefined)
      throw new Error("the ServiceMonitor's jobLabel is not a label of the metrics Service");
    expect(job).toBe("nemo-video-bot");
    const alerts = parse(await readFile("deploy/prometheus/alerts.yml", "utf8")) as {
      groups: { rules: { alert: string; expr: string }[] }[];
    };
    const down = alerts.groups.flatMap((g) => g.rules).find((r) => r.alert === "NemoProcessDown")!;
    const matcher = /up\{job=~"([^"]+)"\}/.exec(down.expr);
    expect(matcher, down.expr).not.toBeNull();
    expect(new RegExp(`^(?:${matcher![1]})$`).test(job)).toBe(true);
    // The plain Prometheus example (compose, VMs) uses the same job name.
    expect(await readFile("deploy/README.md", "utf8")).toContain(`job_name: ${job}`);
  });

  it("KEDA queries the waiting jobs of that job, with a bearer token from a Secret (TriggerAuthentication)", async () => {
    const scaled = byKind("ScaledObject", "nemo-worker");
    expect(scaled.spec.scaleTargetRef.name).toBe("nemo-worker");
    const trigger = scaled.spec.triggers[0];
    expect(trigger.type).toBe("prometheus");
    expect(trigger.metadata.query).toContain('nemo_queue_jobs{state="waiting", job="nemo-video-bot"}');
    expect(trigger.metadata.authModes).toBe("bearer");
    const auth = byKind("TriggerAuthentication", trigger.authenticationRef.name);
    const bearer = auth.spec.secretTargetRef.find(
      (ref: { parameter: string }) => ref.parameter === "bearerToken",
    );
    expect(bearer).toBeDefined();
    expect(bearer.key in byKind("Secret", bearer.name).stringData!).toBe(true);
    const metrics = new Metrics();
    registerQueueMetrics(metrics.registry, []);
    const names = (await metrics.registry.getMetricsAsJSON()).map((metric) => metric.name);
    expect(names).toContain("nemo_queue_jobs");
  });

  it("the example ADMIN_TOKEN is a placeholder and says how to make a real one", async () => {
    const secret = byKind("Secret", "nemo-video-bot-secrets").stringData!;
    expect(secret.ADMIN_TOKEN).toBe("CHANGE-ME");
    expect(await readFile(join(DIR, "secret.yaml"), "utf8")).toContain("openssl rand -hex 32");
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

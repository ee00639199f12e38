import type { MediaUrlPolicy } from "../core/media-url.js";

/**
 * The site a backend host belongs to, whose subdomains serve its media too: the host without its first
 * label (`mega-api-prod.nemovideo.ai` → `nemovideo.ai`); an IP address or a two-label name stays itself.
 */
function siteOf(host: string): string {
  if (host.includes(":") || /^\d+(\.\d+){3}$/.test(host)) return host;
  const labels = host.split(".");
  return labels.length > 2 ? labels.slice(1).join(".") : host;
}

function hostnameOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, "");
  } catch {
    return undefined;
  }
}

/**
 * Where finished videos may be fetched from: the sites of `NEMO_API_URL` and `NEMO_WEB_URL` (and their
 * subdomains) and every `NEMO_MEDIA_HOSTS` entry; https only, plain http to loopback or with
 * `NEMO_ALLOW_INSECURE_HTTP`.
 */
export function mediaUrlPolicy(config: {
  NEMO_API_URL: string;
  NEMO_WEB_URL: string;
  NEMO_MEDIA_HOSTS: readonly string[];
  NEMO_ALLOW_INSECURE_HTTP: boolean;
}): MediaUrlPolicy {
  const backend = [config.NEMO_API_URL, config.NEMO_WEB_URL]
    .map(hostnameOf)
    .filter((host): host is string => host !== undefined)
    .map(siteOf);
  return {
    hosts: [...new Set([...backend, ...config.NEMO_MEDIA_HOSTS.map((host) => host.toLowerCase())])],
    allowInsecureHttp: config.NEMO_ALLOW_INSECURE_HTTP,
  };
}

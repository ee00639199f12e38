/** Groups of the reference, in the order they are printed. */
export const CONFIG_SECTIONS = [
  "NemoVideo backend",
  "Redis",
  "Discord",
  "Slack",
  "HTTP, logs and local state",
  "Workers, timings and limits",
  "Admin port",
] as const;

export type ConfigSection = (typeof CONFIG_SECTIONS)[number];

export interface VariableDoc {
  section: ConfigSection;
  /** One or two sentences: what it does, and what happens when it is unset. */
  meaning: string;
  /** A realistic value (never a real secret). */
  example?: string;
  /** Credentials: never logged, left empty in `.env.example`. */
  secret?: boolean;
}

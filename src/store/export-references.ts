import { KEY_TTL_SECONDS } from "./keys.js";
import { RedisStore } from "./redis-store.js";

/**
 * What a finished export refers to: enough to issue a fresh "Open in NemoVideo" link on demand, and
 * to decide who may have one. Never a claim token (whoever holds one can take the project).
 */
export interface ExportReference {
  /** The thread's ref key (where the video was made). */
  refKey: string;
  sessionId: string;
  taskId: string;
  /** The linked account that owns the session (`<platform>:<user>`); undefined = the bot's. */
  account?: string | undefined;
  /** Who asked for the export. */
  userId?: string | undefined;
}

/** Each finished export's reference, by its job id (the "Get my NemoVideo link" button's argument). */
export class ExportReferences extends RedisStore {
  async save(exportId: string, reference: ExportReference): Promise<void> {
    await this.redis.set(
      this.keys.exported(exportId),
      JSON.stringify(reference),
      "EX",
      KEY_TTL_SECONDS.exported,
    );
  }

  async read(exportId: string): Promise<ExportReference | undefined> {
    const raw = await this.text(this.keys.exported(exportId));
    if (!raw) return undefined;
    try {
      const parsed = JSON.parse(raw) as ExportReference;
      return typeof parsed.sessionId === "string" && typeof parsed.taskId === "string" ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
}

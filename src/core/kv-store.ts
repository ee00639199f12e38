import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/** A small persistent key/value store (a JSON file locally, Redis in deployments). */
export interface KeyValueStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  /** Stores `value` unless the key has one; resolves to the value stored now (atomic where shared). */
  setIfAbsent(key: string, value: string): Promise<string>;
}

/** Keeps values in memory only; for tests and one-off commands. */
export class MemoryStore implements KeyValueStore {
  private readonly values = new Map<string, string>();
  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }
  async set(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }
  async setIfAbsent(key: string, value: string): Promise<string> {
    const current = this.values.get(key);
    if (current !== undefined) return current;
    this.values.set(key, value);
    return value;
  }
}

/** Keeps values in one JSON file, written atomically (temp file + rename), mode 0600. */
export class JsonFileStore implements KeyValueStore {
  constructor(private readonly path: string) {}

  async get(key: string): Promise<string | undefined> {
    return (await this.readAll())[key];
  }

  async set(key: string, value: string): Promise<void> {
    const all = await this.readAll();
    all[key] = value;
    await mkdir(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(all, null, 2), { mode: 0o600 });
    await rename(temp, this.path);
  }

  async setIfAbsent(key: string, value: string): Promise<string> {
    const current = await this.get(key);
    if (current !== undefined) return current;
    await this.set(key, value);
    return value;
  }

  private async readAll(): Promise<Record<string, string>> {
    try {
      return JSON.parse(await readFile(this.path, "utf8")) as Record<string, string>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
      throw error;
    }
  }
}

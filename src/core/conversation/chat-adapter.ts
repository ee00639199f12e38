import type { Platform } from "../nemo/types.js";

/** The inbound side of one platform (Discord gateway, Slack events, console): started and stopped by the app. */
export interface ChatAdapter {
  readonly platform: Platform;
  /** Connects / starts listening; resolves once events can arrive. */
  start(): Promise<void>;
  /** Disconnects; events stop arriving. */
  stop(): Promise<void>;
}

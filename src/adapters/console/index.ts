export { type ConsoleAdapter, createConsoleAdapter } from "./console-adapter.js";
export { ConsoleMessenger } from "./console-messenger.js";

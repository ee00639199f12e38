export { parseSimulatorArgs, runSimulatorCli, SIMULATOR_HELP } from "./main.js";
export { DEFAULT_OPTIONS } from "./options.js";
export { SAMPLE_MP4 } from "./sample-mp4.js";
export { startSimulator } from "./server.js";
export type * from "./types.js";

/** What one process runs: adapters and workers (`all`), adapters only (`gateway`), workers only (`worker`). */
export type Role = "all" | "gateway" | "worker";

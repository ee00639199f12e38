import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runDoctor } from "../src/doctor/run-doctor.js";
import { startSimulator } from "../src/simulator/index.js";

async function doctor(env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  let output = "";
  const code = await runDoctor({ DATA_DIR: await mkdtemp(join(tmpdir(), "doctor-")), ...env }, (text) => {
    output += text;
  });
  return { code, output };
}

describe("doctor", () => {
  it("prints a green report against a running backend", async () => {
    const sim = await startSimulator();
    try {
      const { code, output } = await doctor({ NEMO_API_URL: sim.url });
      expect(output).toContain("✔ auth");
      expect(output).toMatch(/credits\s+100 available/);
      expect(output).toMatch(/✔ reachability\s+reachable: the project's simulator answered/);
      // The backend side is ready; without a chat platform the bot is not ready to chat (exit 3).
      expect(output).toContain("Verdict: backend ready, NOT ready to chat");
      expect(code).toBe(3);
    } finally {
      await sim.close();
    }
  });

  it("masks an operator token and reports its rejection in red", async () => {
    const sim = await startSimulator();
    try {
      const { code, output } = await doctor({
        NEMO_API_URL: sim.url,
        NEMO_TOKEN: "nmv_usr_supersecretvalue",
      });
      expect(code).toBe(1);
      expect(output).not.toContain("supersecretvalue");
      expect(output).toContain("NEMO_TOKEN set (nmv_…, 24 chars)");
      expect(output).toMatch(/✘ auth/);
    } finally {
      await sim.close();
    }
  });

  it("prints a red report and fails when nothing listens", async () => {
    const sim = await startSimulator();
    const url = sim.url;
    await sim.close();
    const { code, output } = await doctor({ NEMO_API_URL: url });
    expect(code).toBe(1);
    expect(output).toMatch(
      /✘ reachability\s+cannot reach http:\/\/127\.0\.0\.1:\d+: refused: nothing accepts connections at 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
    );
    expect(output).toContain("Verdict: NOT ready");
  });

  it("lists malformed configuration in one clear error", async () => {
    const { code, output } = await doctor({ NEMO_API_URL: "not a url", PORT: "99999" });
    expect(code).toBe(1);
    expect(output).toContain("NEMO_API_URL: must be a URL");
    expect(output).toContain("PORT");
  });
});

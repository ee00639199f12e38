import { describe, expect, it } from "vitest";
import { MemoryStore } from "../src/core/kv-store.js";
import { TokenProvider } from "../src/core/nemo/token-provider.js";

function provider(now = () => 1_000_000) {
  const calls: string[] = [];
  let issued = 0;
  const tokens = new TokenProvider({
    store: new MemoryStore(),
    now,
    obtain: async (clientId) => {
      calls.push(clientId);
      await Promise.resolve();
      issued++;
      return { token: `nmv_usr_${issued}`, expiresAt: now() + 3_600_000 };
    },
  });
  return { tokens, calls };
}

describe("TokenProvider", () => {
  it("collapses concurrent first requests into one", async () => {
    const { tokens, calls } = provider();
    const all = await Promise.all(Array.from({ length: 20 }, () => tokens.token()));
    expect(new Set(all)).toEqual(new Set(["nmv_usr_1"]));
    expect(calls).toHaveLength(1);
  });

  it("collapses concurrent refreshes of the same rejected token, and does not refresh twice", async () => {
    const { tokens, calls } = provider();
    const first = await tokens.token();
    const refreshed = await Promise.all(Array.from({ length: 10 }, () => tokens.refresh(first)));
    expect(new Set(refreshed)).toEqual(new Set(["nmv_usr_2"]));
    // A caller that still held the old token gets the new one without another request.
    expect(await tokens.refresh(first)).toBe("nmv_usr_2");
    expect(calls).toHaveLength(2);
  });

  it("refetches once the cached token is about to expire", async () => {
    let clock = 1_000_000;
    const { tokens, calls } = provider(() => clock);
    await tokens.token();
    clock += 3_600_000 - 30_000;
    expect(await tokens.token()).toBe("nmv_usr_2");
    expect(calls).toHaveLength(2);
  });

  it("refuses to refresh an operator token", async () => {
    const tokens = new TokenProvider({
      staticToken: "nmv_op_secret",
      store: new MemoryStore(),
      obtain: () => Promise.reject(new Error("must not be called")),
    });
    expect(await tokens.token()).toBe("nmv_op_secret");
    await expect(tokens.refresh("nmv_op_secret")).rejects.toMatchObject({
      code: "NEMO_AUTH",
      operatorToken: true,
    });
  });
});

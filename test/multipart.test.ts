import { describe, expect, it } from "vitest";
import { multipartBody } from "../src/core/nemo/multipart.js";

async function text(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}

describe("multipartBody", () => {
  it("declares the exact length when every size is known, and parses as form data", async () => {
    const body = multipartBody("files", [
      { name: "a.mp4", contentType: "video/mp4", size: 3, open: () => [Buffer.from("abc")] },
      { name: 'we"ird.png', contentType: "image/png", size: 2, open: () => [Buffer.from("xy")] },
    ]);
    const raw = await text(body.stream);
    expect(body.length).toBe(Buffer.byteLength(raw));
    const form = await new Response(raw, { headers: { "content-type": body.contentType } }).formData();
    const files = form.getAll("files") as File[];
    expect(files.map((file) => file.name)).toEqual(["a.mp4", "we_ird.png"]);
    expect(await files[0]!.text()).toBe("abc");
  });

  it("omits the length when a size is unknown", () => {
    const body = multipartBody("files", [{ name: "a.mp4", contentType: "video/mp4", open: () => [] }]);
    expect(body.length).toBeUndefined();
  });
});

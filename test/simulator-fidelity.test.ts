import { chmod, mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSimulatorArgs, SAMPLE_MP4, SIMULATOR_HELP, type Simulator } from "../src/simulator/index.js";
import { readMp4Info } from "../src/simulator/mp4-info.js";
import { SAMPLE_PNG } from "../src/simulator/sample-mp4.js";
import {
  call,
  getState,
  type Json,
  json,
  send,
  setup,
  toolNames,
  track,
  useSimulators,
  visibleText,
} from "./helpers/sim-http.js";

const start = useSimulators();

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sim-fidelity-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The top-level boxes of an MP4 (type → bytes), in order. */
function topBoxes(mp4: Buffer): [string, Buffer][] {
  const boxes: [string, Buffer][] = [];
  for (let offset = 0; offset < mp4.length; ) {
    const size = mp4.readUInt32BE(offset);
    boxes.push([mp4.toString("latin1", offset + 4, offset + 8), mp4.subarray(offset, offset + size)]);
    offset += size;
  }
  return boxes;
}

async function infoOf(name: string, bytes: Buffer) {
  const path = join(dir, name);
  await writeFile(path, bytes);
  const file = await open(path, "r");
  try {
    return await readMp4Info(file);
  } finally {
    await file.close();
  }
}

describe("MP4 header reader", () => {
  it("reads duration and the video track's size from the sample (moov first)", async () => {
    expect(topBoxes(SAMPLE_MP4).map(([type]) => type)).toEqual(["ftyp", "moov", "free", "mdat"]);
    expect(await infoOf("sample.mp4", SAMPLE_MP4)).toEqual({ duration: 2, width: 160, height: 90 });
  });

  it("finds moov after mdat, also behind a 64-bit box size", async () => {
    const boxes = Object.fromEntries(topBoxes(SAMPLE_MP4));
    const moovLast = Buffer.concat([boxes.ftyp!, boxes.mdat!, boxes.moov!]);
    expect(await infoOf("end.mp4", moovLast)).toEqual({ duration: 2, width: 160, height: 90 });
    const payload = boxes.mdat!.subarray(8);
    const large = Buffer.alloc(16);
    large.writeUInt32BE(1, 0);
    large.write("mdat", 4, "latin1");
    large.writeBigUInt64BE(BigInt(16 + payload.length), 8);
    const largeMdat = Buffer.concat([boxes.ftyp!, large, payload, boxes.moov!]);
    expect(await infoOf("large.mp4", largeMdat)).toEqual({ duration: 2, width: 160, height: 90 });
  });

  it("reads nothing from other files, cut files or files without moov", async () => {
    const boxes = Object.fromEntries(topBoxes(SAMPLE_MP4));
    expect(await infoOf("junk.mp4", Buffer.alloc(4096, 7))).toBeUndefined();
    expect(await infoOf("png.mp4", SAMPLE_PNG)).toBeUndefined();
    expect(await infoOf("cut.mp4", SAMPLE_MP4.subarray(0, 300))).toBeUndefined();
    expect(await infoOf("nomoov.mp4", Buffer.concat([boxes.ftyp!, boxes.mdat!]))).toBeUndefined();
    expect(await infoOf("empty.mp4", Buffer.alloc(0))).toBeUndefined();
  });
});

async function upload(
  sim: Simulator,
  token: string,
  sid: string,
  files: [string, Buffer][],
): Promise<Json[]> {
  const form = new FormData();
  for (const [name, bytes] of files) form.append("files", new Blob([bytes]), name);
  const res = await fetch(`${sim.url}/api/upload-video/nemo_agent/me/${sid}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const body = (await res.json()) as Json;
  expect(body.code).toBe(0);
  return body.data.files as Json[];
}

describe("uploaded media facts", () => {
  it("reports an MP4's real duration and size and a PNG's size, into the state too", async () => {
    const sim = await start({ ffprobe: "" });
    const { token, sid } = await setup(sim);
    const [video, image] = await upload(sim, token, sid, [
      ["tiny clip.mp4", SAMPLE_MP4],
      ["dot.png", SAMPLE_PNG],
    ]);
    expect(video).toMatchObject({
      file_type: "video",
      duration: 2,
      width: 160,
      height: 90,
      size: SAMPLE_MP4.length,
    });
    expect(image).toMatchObject({ file_type: "image", width: 1, height: 1, size: SAMPLE_PNG.length });
    expect(image).not.toHaveProperty("duration");
    const state = await getState(sim, token, sid);
    expect(state.video_infos[0]).toMatchObject({
      filename: "tiny clip.mp4",
      duration: 2,
      width: 160,
      height: 90,
    });
    expect(track(state, 0)!.sg[0]).toMatchObject({ d: 2000, m: { width: 160, height: 90 } });
  });

  it("omits what cannot be read when unknownMediaInfo is omit (URL uploads too)", async () => {
    const sim = await start({ unknownMediaInfo: "omit" });
    const { token, sid } = await setup(sim);
    const [video, audio] = await upload(sim, token, sid, [
      ["noise.mp4", Buffer.alloc(2048, 3)],
      ["song.mp3", Buffer.from("ID3")],
    ]);
    expect(video).toEqual({ filename: "noise.mp4", file_type: "video", cdn_url: video!.cdn_url, size: 2048 });
    expect(audio).toEqual({ filename: "song.mp3", file_type: "audio", cdn_url: audio!.cdn_url, size: 3 });
    const byUrl = await json(
      call(sim, token, "POST", `/api/upload-video/nemo_agent/me/${sid}`, {
        urls: ["https://cdn.invalid/b.mov"],
        source_type: "url",
      }),
    );
    expect(Object.keys(byUrl.data.files[0]).sort()).toEqual(["cdn_url", "file_type", "filename"]);
    const state = await getState(sim, token, sid);
    expect(state.video_infos[0]).not.toHaveProperty("duration");
    expect(state.video_infos[0]).not.toHaveProperty("width");
  });

  it("asks ffprobe first when it runs, and falls back to the header when it does not", async () => {
    const fake = join(dir, "fake-ffprobe");
    await writeFile(
      fake,
      `#!/bin/sh\necho '{"format":{"duration":"12.5"},"streams":[{"codec_type":"audio"},{"codec_type":"video","width":640,"height":360}]}'\n`,
    );
    await chmod(fake, 0o755);
    const sim = await start({ ffprobe: fake });
    const { token, sid } = await setup(sim);
    const [probed, song] = await upload(sim, token, sid, [
      ["any.mp4", Buffer.alloc(100, 1)],
      ["song.m4a", Buffer.alloc(10, 1)],
    ]);
    expect(probed).toMatchObject({ duration: 12.5, width: 640, height: 360 });
    expect(song).toMatchObject({ duration: 12.5 });
    expect(song).not.toHaveProperty("width");

    const missing = await start({ ffprobe: join(dir, "no-such-ffprobe") });
    const other = await setup(missing);
    const [fallback] = await upload(missing, other.token, other.sid, [["s.mp4", SAMPLE_MP4]]);
    expect(fallback).toMatchObject({ duration: 2, width: 160, height: 90 });
  });

  it("keeps ffprobe out of reach of the control endpoint", async () => {
    const sim = await start();
    const res = await fetch(`${sim.url}/__sim/options`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ffprobe: "/bin/sh" }),
    });
    expect(res.status).toBe(400);
    expect(sim.options.ffprobe).toBe("ffprobe");
  });
});

describe("Chinese conversations", () => {
  it("generates, titles, adds music, trims to a length and removes the title, answering in Chinese", async () => {
    const sim = await start();
    const { token, sid } = await setup(sim);
    const generated = await send(sim, token, sid, "生成一个城市夜景延时视频");
    expect(toolNames(generated.events)).toEqual(["generate_video", "add_post_production"]);
    expect(visibleText(generated.events)).toContain("视频已生成！");
    expect(visibleText(generated.events)).toContain("我添加了背景音乐和标题");
    let state = await getState(sim, token, sid);
    expect(state.generated_media[0].prompt).toBe("城市夜景延时");
    expect(track(state, 0)!.sg[0].m.title).toBe("城市夜景延时");
    expect(track(state, 7)!.sg[0].m.title).toBe("城市夜景延时");

    const titled = await send(sim, token, sid, "加标题 城市之梦");
    expect(visibleText(titled.events)).toContain("已添加标题「城市之梦」");
    expect(track(await getState(sim, token, sid), 7)!.sg[0].m.title).toBe("城市之梦");
    await send(sim, token, sid, "把标题改成「夜之城」");
    expect(track(await getState(sim, token, sid), 7)!.sg[0].m.title).toBe("夜之城");

    const music = await send(sim, token, sid, "加背景音乐");
    expect(visibleText(music.events)).toContain("已添加欢快的背景音乐");
    expect(track(await getState(sim, token, sid), 1)!.sg[0].m.name).toBe("Upbeat");

    const trimmed = await send(sim, token, sid, "缩短到5秒");
    expect(visibleText(trimmed.events)).toContain("已将视频缩短到 5 秒");
    state = await getState(sim, token, sid);
    expect(track(state, 0)!.sg[0].d).toBe(5000);
    expect(track(state, 1)!.sg[0].d).toBe(5000);
    expect(visibleText((await send(sim, token, sid, "缩短到20秒")).events)).toContain("视频已经只有 5 秒了");

    expect(visibleText((await send(sim, token, sid, "删除标题")).events)).toContain("已从时间线删除标题");
    expect(track(await getState(sim, token, sid), 7)).toBeUndefined();
    expect(visibleText((await send(sim, token, sid, "你好")).events)).toBe(
      "你说：“你好”。我可以生成视频、添加标题或背景音乐，或者把视频缩短。你想做什么？",
    );
  });

  it("answers in Chinese in a zh-CN session, in English otherwise, and trims English lengths", async () => {
    const sim = await start();
    const zh = await setup(sim, "zh-CN");
    expect(visibleText((await send(sim, zh.token, zh.sid, "generate a video of waves")).events)).toContain(
      "视频已生成！",
    );
    const en = await setup(sim);
    const read = await send(sim, en.token, en.sid, "create a video of waves");
    expect(visibleText(read.events)).toContain("Your video is ready!");
    expect(visibleText((await send(sim, en.token, en.sid, "trim it to 4 seconds")).events)).toContain(
      "Trimmed the video to 4s",
    );
    expect(track(await getState(sim, en.token, en.sid), 0)!.sg[0].d).toBe(4000);
  });
});

describe("export file names and CLI knobs", () => {
  it("names render outputs render_<id>.mp4 without doubling the prefix", async () => {
    const sim = await start({ renderSteps: 1 });
    const { token, sid } = await setup(sim);
    await send(sim, token, sid, "generate a video of a bridge");
    const { draft } = await getState(sim, token, sid);
    for (const [id, name] of [
      ["render_1764400000000_ab12cd34", "render_1764400000000_ab12cd34.mp4"],
      ["r1", "render_r1.mp4"],
    ] as const) {
      await call(sim, token, "POST", "/api/render/proxy/lambda", { id, sessionId: sid, draft });
      const done = await json(call(sim, token, "GET", `/api/render/proxy/lambda/${id}`));
      expect(done.output.url).toBe(`${sim.url}/files/${name}`);
      const download = await call(sim, token, "GET", `/api/render/proxy/${id}/download`);
      expect(download.headers.get("content-disposition")).toBe(`attachment; filename="${name}"`);
    }
  });

  it("takes every knob as a flag, and documents knobs and endpoints in --help", () => {
    expect(
      parseSimulatorArgs([
        "--generation-cost",
        "100",
        "--edit-cost=50",
        "--silent-edits",
        "--unknown-media-info",
        "omit",
        "--export-blocked",
        "false",
        "--ffprobe=",
      ]),
    ).toEqual({
      generationCost: 100,
      editCost: 50,
      silentEdits: true,
      unknownMediaInfo: "omit",
      exportBlocked: false,
      ffprobe: "",
    });
    expect(() => parseSimulatorArgs(["--credits", "lots"])).toThrow(/invalid --credits/);
    expect(() => parseSimulatorArgs(["--unknown-media-info", "guess"])).toThrow(/must be one of/);
    expect(() => parseSimulatorArgs(["--chunk-text", "maybe"])).toThrow(/true or false/);
    expect(() => parseSimulatorArgs(["--edit-cost"])).toThrow(/missing value/);
    for (const text of [
      "--edit-cost",
      "--unknown-media-info",
      "outage {mode",
      "revoke-token",
      "clear-faults",
    ]) {
      expect(SIMULATOR_HELP).toContain(text);
    }
  });
});

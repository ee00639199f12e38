import { randomBytes } from "node:crypto";

export interface MultipartFile {
  name: string;
  contentType: string;
  /** Declared size in bytes; when every file has one, the body gets a Content-Length. */
  size?: number | undefined;
  open: () => AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}

/**
 * A streamed multipart/form-data body (RFC 7578) with every file under one field name.
 * Nothing is buffered: each file's chunks pass straight through.
 */
export function multipartBody(
  field: string,
  files: readonly MultipartFile[],
): { stream: AsyncIterable<Uint8Array>; contentType: string; length?: number } {
  const boundary = `----nemo-video-bot-${randomBytes(12).toString("hex")}`;
  const encoder = new TextEncoder();
  const heads = files.map((file) =>
    encoder.encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${quote(file.name)}"\r\n` +
        `Content-Type: ${file.contentType}\r\n\r\n`,
    ),
  );
  const crlf = encoder.encode("\r\n");
  const tail = encoder.encode(`--${boundary}--\r\n`);
  let length: number | undefined = tail.length;
  for (const [index, file] of files.entries()) {
    if (file.size === undefined || length === undefined) {
      length = undefined;
      continue;
    }
    length += heads[index]!.length + file.size + crlf.length;
  }
  async function* stream(): AsyncGenerator<Uint8Array> {
    for (const [index, file] of files.entries()) {
      yield heads[index]!;
      for await (const chunk of file.open()) yield chunk;
      yield crlf;
    }
    yield tail;
  }
  return {
    stream: stream(),
    contentType: `multipart/form-data; boundary=${boundary}`,
    ...(length === undefined ? {} : { length }),
  };
}

function quote(name: string): string {
  return name.replace(/[\r\n"\\]/g, "_");
}

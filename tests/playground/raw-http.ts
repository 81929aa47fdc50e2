import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { connect } from "node:net";

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export interface RawRequest {
  method?: string;
  /** sent as given, Host included (fetch would not let a test forge it) */
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** send the body with Transfer-Encoding: chunked, without Content-Length */
  chunked?: boolean;
  /** the client's own address, e.g. 127.0.0.2 for "another machine" on loopback */
  localAddress?: string;
}

/**
 * One HTTP request as a hostile client sends it. Resolves with the answer even when the server
 * answers before the body is sent and closes the connection (as it should for a 10 MB body); an
 * event stream is cut off once its headers arrived.
 */
export function rawRequest(url: string, o: RawRequest = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.body !== undefined && !o.chunked && !Object.keys(headers).some((h) => h.toLowerCase() === "content-length")) headers["content-length"] = String(Buffer.byteLength(o.body));
    let answered = false;
    const req = httpRequest(url, { method: o.method ?? "GET", headers, localAddress: o.localAddress, setHost: !Object.keys(headers).some((h) => h.toLowerCase() === "host") }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      if (String(res.headers["content-type"]).startsWith("text/event-stream")) {
        resolve({ status: res.statusCode!, headers: res.headers, text: "" });
        return void req.destroy();
      }
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    // EPIPE / ECONNRESET after the answer: the server stopped reading a body it refused.
    req.on("error", (e) => (answered ? undefined : reject(e)));
    if (o.body !== undefined) req.write(o.body, () => undefined);
    req.end();
  });
}

/** Sends headers that promise `declared` bytes, then `sent` of them, then hangs up. */
export function abortMidBody(url: string, path: string, headers: Record<string, string>, declared: number, sent: string): Promise<void> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(u.port), u.hostname, () => {
      const lines = [`POST ${path} HTTP/1.1`, `Host: ${u.host}`, `Content-Length: ${declared}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
      socket.write(`${lines.join("\r\n")}\r\n\r\n${sent}`, () => {
        socket.destroy();
        resolve();
      });
    });
    socket.on("error", reject);
  });
}

// Requests Node's HTTP parser refuses before any handler runs (headers over its size limit, malformed request lines)
// are answered with the contract's JSON error instead of Node's bare status line, and logged as one line.
import type { Server } from "node:http";
import type { Duplex } from "node:stream";
import { ErrorCode } from "@cim/protocol";

interface ClientErrorLog {
  info: (fields: Record<string, unknown>, msg: string) => void;
  debug: (fields: Record<string, unknown>, msg: string) => void;
}

interface ParserError extends Error {
  code?: string;
}

/** Status, contract error code and message for a parser error (Node's own choice of status, kept). */
function answerFor(error: ParserError): [number, string, string, string] {
  if (error.code === "HPE_HEADER_OVERFLOW") return [431, "Request Header Fields Too Large", ErrorCode.PayloadTooLarge, "request headers are too large"];
  if (error.code === "HPE_REQUEST_TIMEOUT" || error.code === "ERR_HTTP_REQUEST_TIMEOUT") return [408, "Request Timeout", ErrorCode.BadRequest, "request timed out"];
  return [400, "Bad Request", ErrorCode.BadRequest, "malformed HTTP request"];
}

/**
 * Why a request's framing headers are ambiguous, or undefined when they are not: a second Host (Node keeps the first
 * in `headers.host`, a proxy in front may have routed or checked by the other), or a Content-Length and
 * Transfer-Encoding mix Node's parser let through (it refuses a second Content-Length and both together today; a
 * proxy that reads the other one smuggles a request behind it), or a Transfer-Encoding other than `chunked` alone.
 * Read from `rawHeaders`, which holds every copy.
 */
export function ambiguousFraming(rawHeaders: readonly string[]): string | undefined {
  let hosts = 0;
  let lengths = 0;
  let encodings = 0;
  let coding = "";
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    if (name === "host") hosts++;
    else if (name === "content-length") lengths++;
    else if (name === "transfer-encoding") {
      encodings++;
      coding = (rawHeaders[i + 1] ?? "").trim().toLowerCase();
    }
  }
  if (hosts > 1) return "more than one Host header";
  if (lengths > 1) return "more than one Content-Length header";
  if (encodings > 1) return "more than one Transfer-Encoding header";
  if (lengths > 0 && encodings > 0) return "both Content-Length and Transfer-Encoding";
  // RFC 9112 6.3: a request's body is chunked or has a length; any other coding (gzip, or gzip before chunked, which
  // nothing here decodes) leaves its end to the reader's guess, and Node's parser read such a body to the socket's end.
  if (encodings > 0 && coding !== "chunked") return "Transfer-Encoding other than chunked";
  return undefined;
}

/** Makes `server` answer parser errors as `{"error":{"code","message"}}` and close the connection. */
export function answerClientErrorsAsJson(server: Server, log: ClientErrorLog): void {
  server.on("clientError", (error: ParserError, socket: Duplex) => {
    if (error.code === "ECONNRESET" || !socket.writable) {
      log.debug({ code: error.code, err: error.message }, "client connection reset before a request completed");
      socket.destroy();
      return;
    }
    log.info({ code: error.code, err: error.message }, "malformed HTTP request refused");
    const [status, reason, code, message] = answerFor(error);
    const body = JSON.stringify({ error: { code, message } });
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
}

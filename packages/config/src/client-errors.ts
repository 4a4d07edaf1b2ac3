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

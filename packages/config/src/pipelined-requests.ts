// Requests a client pipelines on one connection (sent before the answers to those before them) are run one at a time,
// and few may wait. Node hands every request it parses from one read to the handler at once and keeps each answer in
// memory until those before it are sent: one connection that wrote 300 GETs of a 415 KB asset and read nothing made
// route hold 105 MB (sec25; 200 such connections of one address, 1.9 GB), and 20 connections each asking a gateway's
// /metrics 1,000 times rendered 20,000 answers at once and held them. No browser pipelines.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";

/** Requests of one connection that may wait for the one in progress; one more closes the connection. */
export const MAX_PIPELINED_REQUESTS = 8;

type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface PipelinedRequestsOptions {
  log: { info: (fields: Record<string, unknown>, msg: string) => void };
  /** Requests that may wait behind the one in progress (default MAX_PIPELINED_REQUESTS). */
  maxWaiting?: number;
}

/**
 * Wraps a server's request handler so a connection's requests run one after the other: the next starts once the
 * answer before it is sent (its data handed to the kernel) or its connection is gone, so a connection holds at most
 * one answer in memory, whatever it sent. A connection with more than `maxWaiting` requests waiting is closed (one
 * log line); what waited is dropped, never run.
 */
export function oneRequestAtATime(handler: RequestHandler, options: PipelinedRequestsOptions): RequestHandler {
  const maxWaiting = options.maxWaiting ?? MAX_PIPELINED_REQUESTS;
  // The requests waiting on each connection whose request in progress is not answered yet (none in progress: absent).
  const lines = new WeakMap<Socket, Array<() => void>>();
  const advance = (socket: Socket) => {
    const waiting = lines.get(socket);
    const next = socket.destroyed ? undefined : waiting?.shift();
    if (next === undefined) lines.delete(socket);
    else next();
  };
  const run = (req: IncomingMessage, res: ServerResponse) => {
    // 'close' follows 'finish' (the answer sent) and also comes alone when the connection is lost first.
    res.once("close", () => advance(req.socket));
    handler(req, res);
  };
  return (req, res) => {
    const socket = req.socket;
    // The rest of a read parsed after its connection was closed here: nobody to answer.
    if (socket.destroyed) return;
    const waiting = lines.get(socket);
    if (waiting === undefined) {
      lines.set(socket, []);
      run(req, res);
    } else if (waiting.length >= maxWaiting) {
      options.log.info({ remote: socket.remoteAddress, waiting: waiting.length }, "connection closed: it pipelined more requests than may wait for their turn");
      waiting.length = 0;
      socket.destroy();
    } else {
      waiting.push(() => run(req, res));
    }
  };
}

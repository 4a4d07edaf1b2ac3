// Listening on the configured address, where a failure (the port taken, a host that does not resolve) is one line
// saying what to change: Node's own was an "Unhandled 'error' event" and its stack.
import type { Server } from "node:net";

/** A start that cannot go on for a reason the operator can fix: logged as its message alone, without a stack. */
export class StartupError extends Error {
  override name = "StartupError";
}

const REASONS: Record<string, string> = {
  EADDRINUSE: "the port is in use by another process (stop it, or set PORT)",
  EACCES: "permission denied (ports below 1024 need root; set PORT)",
  EADDRNOTAVAIL: "this machine has no such address (set HOST)",
  ENOTFOUND: "the host name does not resolve (set HOST)",
  EAI_AGAIN: "the host name does not resolve (set HOST)",
};

/** Listens on `port` (0: a free one) at `host`; resolves with the bound port, rejects with a StartupError. */
export function listenOn(server: Server, options: { port: number; host: string; backlog?: number }): Promise<number> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => {
      const reason = REASONS[error.code ?? ""] ?? error.message;
      reject(new StartupError(`cannot listen on ${options.host}:${options.port}: ${reason} (${error.code ?? "error"})`));
    };
    server.once("error", failed);
    server.listen({ port: options.port, host: options.host, backlog: options.backlog }, () => {
      server.off("error", failed);
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : options.port);
    });
  });
}

/** What a failed start logs: a StartupError's message alone, anything else with its stack (a bug). */
export function startFailure(error: unknown): { reason: string } | { err: unknown } {
  return error instanceof StartupError ? { reason: error.message } : { err: error };
}

// The gateway's one error class: a code for the client and the close code that ends the socket, if any.
import { ErrorCode } from "@cim/protocol";

export interface GatewayErrorOptions {
  cause?: unknown;
  /** The Send this error answers, so the client can match it. */
  clientMsgId?: string;
  /** Logged where it was raised (throttled: one line per window, not one per socket of a flood). */
  logged?: boolean;
}

export class GatewayError extends Error {
  override readonly name = "GatewayError";
  readonly clientMsgId: string;
  readonly logged: boolean;

  constructor(
    readonly code: string,
    message: string,
    /** When set, the socket is closed with this code; otherwise an Error frame answers. */
    readonly closeCode?: number,
    options: GatewayErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.clientMsgId = options.clientMsgId ?? "";
    this.logged = options.logged ?? false;
  }

  /** True for failures of our own parts (Redis down, a bug), as opposed to bad client input. */
  get internal(): boolean {
    return this.code === ErrorCode.Unavailable;
  }

  /** Wraps any failure of a Send: client errors keep their code, the rest become `unavailable`. */
  static forSend(error: unknown, clientMsgId: string): GatewayError {
    if (error instanceof GatewayError) return new GatewayError(error.code, error.message, error.closeCode, { cause: error.cause, clientMsgId });
    return new GatewayError(ErrorCode.Unavailable, "message not stored, retry", undefined, { cause: error, clientMsgId });
  }
}

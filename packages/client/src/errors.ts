// Errors the client reports besides route's CimApiError.

/** An Error frame from the gateway that answered one Send. */
export class SendError extends Error {
  override readonly name = "SendError";
  constructor(readonly code: string, message: string, readonly clientMsgId: string) {
    super(message);
  }
}

/** The socket closed; `code` is the WebSocket close code (see @cim/protocol codes). */
export class CloseError extends Error {
  override readonly name = "CloseError";
  constructor(readonly code: number, readonly reason: string) {
    super(`connection closed (${code}${reason ? `: ${reason}` : ""})`);
  }
}

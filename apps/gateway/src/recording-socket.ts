// For tests without a network: stands in for a session's ws socket. It decodes what is sent; with `buffers`, each send
// adds to `bufferedAmount` until `drain` takes it off, as a peer reading slowly would (the replays pace on it).
import { EventEmitter } from "node:events";
import { decodeFrame, type ChatMessage, type Frame } from "@cim/protocol";

export class RecordingSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  maxBuffered = 0;
  readonly frames: Frame[] = [];
  closedWith: number | null = null;

  constructor(private readonly buffers = false) {
    super();
  }

  send(bytes: Uint8Array): void {
    this.frames.push(decodeFrame(bytes));
    if (this.buffers) this.bufferedAmount += bytes.length;
    this.maxBuffered = Math.max(this.maxBuffered, this.bufferedAmount);
  }

  drain(bytes: number): void {
    this.bufferedAmount = Math.max(0, this.bufferedAmount - bytes);
  }

  close(code: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }

  terminate(): void {}

  messages(): ChatMessage[] {
    return this.frames.flatMap((f) => (f.kind === "message" ? [f.body] : f.kind === "messageBatch" ? f.body.messages : []));
  }

  errors(): string[] {
    return this.frames.flatMap((f) => (f.kind === "error" ? [f.body.code] : []));
  }
}

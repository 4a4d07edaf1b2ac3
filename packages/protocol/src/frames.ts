// Typed encode/decode of cim.Frame: plain objects in, plain objects out, for Node and browsers.
import type { IConversionOptions } from "protobufjs";
import { cim } from "./generated/cim.js";

export interface RoomCursor { room: string; after: string }
export interface Login {
  token: string; groupAfter: string; inboxAfter: string; rooms: RoomCursor[];
  /** The client takes MessageBatch frames; false or absent: every message comes as its own Message frame. */
  messageBatches?: boolean;
}
export interface LoginAck {
  userId: string; userName: string; gatewayId: string; serverTime: number; heartbeatMs: number;
  groupPosition: string; inboxPosition: string; rooms: RoomCursor[];
  /** The session's frame limit (per second, burst); 0 or absent: not said (older gateways). */
  ratePerSec?: number; rateBurst?: number;
  /** Sends the session may have unanswered at once; 0 or absent: not said. */
  maxSendsInFlight?: number;
  /** The gateway takes TypingSubscribe; false or absent: it does not (older gateways close on it with 4400). */
  typingSubscribe?: boolean;
}
export interface ErrorBody { code: string; message: string; clientMsgId: string }
export interface Ping { ts: number }
export interface Pong { ts: number }
export interface Send {
  clientMsgId: string; to: string; text: string; room: string;
  /** Replies, edits and deletions; decoded frames always carry them ("" / false). */
  replyTo?: string; editOf?: string; delete?: boolean;
  /** A reaction to message reactTo (reaction "" takes the sender's back); decoded frames always carry them (""). */
  reactTo?: string; reaction?: string;
}
export interface SendAck { clientMsgId: string; msgId: string; ts: number }
export interface ChatMessage {
  msgId: string; from: string; fromName: string; to: string; text: string; ts: number; room: string;
  /** Replies, edits and deletions; decoded frames always carry them ("" / false). */
  replyTo?: string; editOf?: string; deleted?: boolean;
  /** A reaction event: the message it reacts to, and the emoji ("" = the sender took its reaction back). */
  reactTo?: string; reaction?: string;
  /**
   * With replyTo: the quoted message as it was when the reply was stored (its sender, name and the start of its text,
   * "" when deleted), for a client that has not loaded it; "" from older replies. Decoded frames always carry them.
   */
  replyFrom?: string; replyFromName?: string; replyText?: string;
}
export interface Delivered { msgId: string; by: string; from: string }
export interface Presence { userId: string; userName: string; online: boolean }
export interface MessageBatch { messages: ChatMessage[] }
export interface PresenceBatch { presences: Presence[] }
export interface Read { conversation: string; msgId: string; by: string }
export type RoomEventKind = "joined" | "left" | "invited" | "renamed";
export interface RoomEvent {
  room: string; name: string; userId: string; userName: string; kind: string;
  /**
   * On "left": the owner who removed the member ("" = it left); on "invited": the member who added the user.
   * Decoded frames always carry it.
   */
  by?: string;
  /** On "invited": the name of the member who added the user ("" when not known); decoded frames always carry it. */
  byName?: string;
}
export interface PresenceSubscribe { userIds: string[] }
export interface Typing { conversation: string; userId: string; userName: string }
/** The conversations whose Typing the session shows (replacing the last list); [] for none. */
export interface TypingSubscribe { conversations: string[] }
/** The signed-in user blocked `userId` (`blocked`) or unblocked it, on this or another device. */
export interface BlockEvent {
  userId: string; userName: string; blocked: boolean;
  /** The state's order among the user's block changes (higher: newer; 0: the server gave none); decoded frames always carry it. */
  order?: number;
}

/** The body of each frame kind, by the name of its `oneof` field. */
export interface FrameBodies {
  login: Login;
  loginAck: LoginAck;
  error: ErrorBody;
  ping: Ping;
  pong: Pong;
  send: Send;
  sendAck: SendAck;
  message: ChatMessage;
  delivered: Delivered;
  presence: Presence;
  messageBatch: MessageBatch;
  presenceBatch: PresenceBatch;
  read: Read;
  roomEvent: RoomEvent;
  presenceSubscribe: PresenceSubscribe;
  typing: Typing;
  blockEvent: BlockEvent;
  typingSubscribe: TypingSubscribe;
}

export type FrameKind = keyof FrameBodies;

/** One frame: its kind and a body with every field present (proto3 defaults filled in). */
export type Frame = { [K in FrameKind]: { kind: K; body: FrameBodies[K] } }[FrameKind];

/** A frame to encode: fields left out take their proto3 defaults ("" / 0 / false). */
export type FrameInput = { [K in FrameKind]: { kind: K; body: Partial<FrameBodies[K]> } }[FrameKind];

/** Frame kinds a client may send; anything else from a client is malformed. */
export const CLIENT_FRAME_KINDS: ReadonlySet<FrameKind> = new Set([
  "login", "ping", "send", "delivered", "read", "presenceSubscribe", "typing", "typingSubscribe",
]);

/** Thrown by decodeFrame for bytes that are not a valid frame with a body. */
export class FrameDecodeError extends Error {
  override readonly name: string = "FrameDecodeError";
}

/**
 * A FrameDecodeError for valid protobuf whose body is none this build knows: empty, or a frame kind added after it
 * (frames grow additively). A gateway refuses it from a client like any malformed frame; a client skips it.
 */
export class UnknownFrameError extends FrameDecodeError {
  override readonly name = "UnknownFrameError";
}

const TO_OBJECT: IConversionOptions = { defaults: true, longs: Number };

/** Encodes one frame to protobuf bytes. */
export function encodeFrame(frame: FrameInput): Uint8Array {
  return cim.Frame.encode({ [frame.kind]: frame.body }).finish();
}

/** Decodes protobuf bytes to a frame; throws FrameDecodeError when malformed or empty. */
export function decodeFrame(bytes: Uint8Array): Frame {
  let decoded: cim.Frame;
  try {
    decoded = cim.Frame.decode(bytes);
  } catch (error) {
    throw new FrameDecodeError(`undecodable frame: ${(error as Error).message}`);
  }
  const kind = decoded.body;
  if (!kind) throw new UnknownFrameError("frame has no body");
  const inner = decoded[kind];
  const Type = BODY_TYPES[kind];
  const body = Type.toObject(inner as never, TO_OBJECT);
  return { kind, body } as Frame;
}

const BODY_TYPES = {
  login: cim.Login,
  loginAck: cim.LoginAck,
  error: cim.Error,
  ping: cim.Ping,
  pong: cim.Pong,
  send: cim.Send,
  sendAck: cim.SendAck,
  message: cim.Message,
  delivered: cim.Delivered,
  presence: cim.Presence,
  messageBatch: cim.MessageBatch,
  presenceBatch: cim.PresenceBatch,
  read: cim.Read,
  roomEvent: cim.RoomEvent,
  presenceSubscribe: cim.PresenceSubscribe,
  typing: cim.Typing,
  blockEvent: cim.BlockEvent,
  typingSubscribe: cim.TypingSubscribe,
} satisfies Record<FrameKind, unknown>;

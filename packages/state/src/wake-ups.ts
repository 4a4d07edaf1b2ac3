// The wake-ups the store scripts publish, built here as JSON with holes that only the script can fill (the
// msgId, the id before it): the script splices values in and never builds or parses JSON itself.
import type { ClusterMessage } from "./bus.js";
import { eventFields, type StoredMessage } from "./records.js";

/** Joins the parts of a template: JSON never holds a raw NUL (JSON.stringify escapes it), so it cannot clash. */
export const HOLE_SEPARATOR = "\0";

/** A place in a template for a value the script computes: a string (kept in quotes) or a number. */
export interface Hole {
  placeholder: string;
  kind: "string" | "number";
}

/**
 * JSON of `value` cut at its holes: the script puts the i-th value between part i and i+1. Each hole is the string
 * value `placeholder` in `value`; holes must come, in key order, before any text a user wrote, so the first match of
 * each is the hole itself.
 */
export function templateParts(value: ClusterMessage, holes: readonly Hole[]): string[] {
  let json = JSON.stringify(value);
  const parts: string[] = [];
  for (const hole of holes) {
    const quoted = JSON.stringify(hole.placeholder);
    const at = json.indexOf(quoted);
    if (at < 0) throw new Error(`template: no hole ${hole.placeholder}`);
    const keep = hole.kind === "string" ? 1 : 0; // a string keeps its quotes around the value
    parts.push(json.slice(0, at + keep));
    json = json.slice(at + quoted.length - keep);
  }
  parts.push(json);
  return parts;
}

/** templateParts joined by NUL, one string for a script that fills it once (`fill` in the scripts' prelude). */
export function template(value: ClusterMessage, holes: readonly Hole[]): string {
  return templateParts(value, holes).join(HOLE_SEPARATOR);
}

/** Fills a template the way the scripts do (for tests). */
export function fill(templateText: string, values: readonly string[]): string {
  const parts = templateText.split(HOLE_SEPARATOR);
  return parts.map((part, i) => (i < values.length ? part + values[i] : part)).join("");
}

const PREV: Hole = { placeholder: "\u0000prev", kind: "string" };
const MSG_ID: Hole = { placeholder: "\u0000msgId", kind: "string" };
const TS: Hole = { placeholder: "\u0000ts", kind: "number" };
const ENTRY: Hole = { placeholder: "\u0000entry", kind: "string" };
const USER_ID: Hole = { placeholder: "\u0000userId", kind: "string" };

/** The wake-up of a room's readers. Holes: prev, msgId, ts. */
export function roomWakeTemplate(room: string, message: Omit<StoredMessage, "msgId" | "ts">, dev: string): string {
  const { from, fromName, to, text } = message;
  const value: ClusterMessage = {
    type: "roomMessage",
    room,
    prev: PREV.placeholder,
    // The holes come first in key order (see template); user text and the event fields after them.
    message: { msgId: MSG_ID.placeholder, ts: TS.placeholder as unknown as number, room: message.room, from, fromName, to, text, ...eventFields(message) },
    dev,
  };
  return template(value, [PREV, MSG_ID, TS]);
}

/** The wake-up of a user's inbox readers. Holes: prev, entry. */
export function inboxWakeTemplate(userId: string, message: StoredMessage, dev: string): string {
  const value: ClusterMessage = { type: "inbox", userId, prev: PREV.placeholder, entry: ENTRY.placeholder, message, dev };
  return template(value, [PREV, ENTRY]);
}

/** The wake-up of a private message's readers, its holes in the places privateWakeParts cuts it at. */
function privateWakeValue(message: Omit<StoredMessage, "msgId" | "ts">, dev: string): ClusterMessage {
  const { from, fromName, to, text, room } = message;
  return {
    type: "inbox",
    userId: USER_ID.placeholder,
    prev: PREV.placeholder,
    entry: ENTRY.placeholder,
    // The holes come first in key order (see template); user text and the event fields after them.
    message: { msgId: MSG_ID.placeholder, ts: TS.placeholder as unknown as number, from, fromName, to, room, text, ...eventFields(message) },
    dev,
  };
}

const PRIVATE_HOLES = [USER_ID, PREV, ENTRY, MSG_ID, TS];

/**
 * The wake-up of a private message's readers before the message is stored: one template for the recipient's inbox
 * and the sender's, as its six parts. Holes: userId (whose inbox), prev, entry, msgId, ts. The batch script fills it
 * twice with one concatenation each: splitting a joined template in Lua cost about a quarter of the script's time.
 * The first five parts hold only the holes' keys, the same for every message (PRIVATE_WAKE_HEAD).
 */
export function privateWakeParts(message: Omit<StoredMessage, "msgId" | "ts">, dev: string): string[] {
  return templateParts(privateWakeValue(message, dev), PRIVATE_HOLES);
}

/** The first five parts of every private message's wake-up: the batch script takes them once per call. */
export const PRIVATE_WAKE_HEAD: readonly string[] = privateWakeParts({ from: "", fromName: "", to: "", room: "", text: "" }, "").slice(0, 5);
/** Where the last part starts in the JSON of privateWakeValue: after the five holes, in the same places always. */
const PRIVATE_WAKE_TAIL_AT = PRIVATE_WAKE_HEAD.join("").length + PRIVATE_HOLES.reduce((n, hole) => n + JSON.stringify(hole.placeholder).length - (hole.kind === "string" ? 2 : 0), 0);

/**
 * The last part of `privateWakeParts(message, dev)`, the only one that depends on the message: what the batch script
 * is given per message (one JSON.stringify, no search for the holes, and five arguments fewer per message).
 */
export function privateWakeTail(message: Omit<StoredMessage, "msgId" | "ts">, dev: string): string {
  return JSON.stringify(privateWakeValue(message, dev)).slice(PRIVATE_WAKE_TAIL_AT);
}

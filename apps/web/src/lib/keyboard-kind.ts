// Which keyboard the user types with, for what Enter does in the message box and a message's editor: on a touch screen
// the on-screen keyboard's Enter is a new line (the Send button sends, as chat apps on phones), while a physical one
// (a phone's or tablet's Bluetooth keyboard, a keyboard case) sends with Enter, as WhatsApp and Telegram do then.
// Nothing says which keyboard is attached, and a key's own fields do not tell them apart (Safari on iOS gives an
// on-screen key its physical `code` and `keyCode`), so two signals an on-screen keyboard never gives are used: a mouse
// or trackpad attached (`any-pointer: fine`, a tablet's keyboard case), and a key pressed that no on-screen keyboard
// has (Shift, Control, Alt, Meta, Caps Lock, the arrows, Tab, Escape, Home, End, a function key: they send no key
// events of their own). An on-screen keyboard's typing (Android's: "Unidentified", keyCode 229) takes it back.
import { touchScreen } from "./focus-lost.js";

/** Keys only a physical keyboard has (an on-screen keyboard's Shift changes its letters, it sends no keydown). */
const PHYSICAL_ONLY = new Set([
  "Shift", "Control", "Alt", "AltGraph", "Meta", "CapsLock", "Tab", "Escape",
  "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End", "PageUp", "PageDown", "Insert",
]);

/** What a keydown says of the keyboard: "physical", "on-screen", or null (nothing: a letter, Enter, Backspace). */
export function keyboardOf(event: Pick<KeyboardEvent, "key" | "keyCode">): "physical" | "on-screen" | null {
  if (event.key === "Unidentified" || event.keyCode === 229) return "on-screen";
  if (PHYSICAL_ONLY.has(event.key) || /^F\d{1,2}$/.test(event.key)) return "physical";
  return null;
}

/** The keyboard the page's keydowns last showed to be physical (kept across the page's text fields). */
let physical = false;

/** Every keydown of the page (window, capture phase): what it says of the keyboard. */
export function noteKeyboard(event: Pick<KeyboardEvent, "key" | "keyCode">): void {
  const kind = keyboardOf(event);
  if (kind) physical = kind === "physical";
}

/** True when Enter sends (Shift+Enter a new line); false where Enter is a new line and the Send button sends. */
export function enterSends(): boolean {
  return !touchScreen() || physical || (typeof matchMedia === "function" && matchMedia("(any-pointer: fine)").matches);
}

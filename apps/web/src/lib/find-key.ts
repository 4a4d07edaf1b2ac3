// The key that finds a conversation by name (the quick switcher): Ctrl+K, or ⌘K on a Mac, where Ctrl+K in a text
// field is the field's own "kill to the end of the line" (Cocoa's Emacs keys) and must stay the field's.

/** Whether this is an Apple computer or device (⌘ is the command key): the browser's platform says so. */
export function applePlatform(nav: { platform?: string; userAgentData?: { platform?: string } } | undefined = globalThis.navigator): boolean {
  const platform = nav?.userAgentData?.platform || nav?.platform || "";
  return /mac|iphone|ipad|ipod/i.test(platform);
}

/** The find key's name as the keyboard shows it: ["⌘", "K"] on a Mac, ["Ctrl", "K"] elsewhere. */
export function findKeyLabel(apple = applePlatform()): [string, string] {
  return apple ? ["⌘", "K"] : ["Ctrl", "K"];
}

/**
 * Whether `event` is the find key: ⌘K on a Mac (Ctrl+K too, but never inside a text field there), Ctrl+K (or the
 * system key + K) elsewhere.
 */
export function isFindKey(event: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "altKey" | "shiftKey" | "target">, apple = applePlatform()): boolean {
  if (event.altKey || event.shiftKey || event.key.toLowerCase() !== "k") return false;
  if (!apple) return event.ctrlKey || event.metaKey;
  if (event.metaKey) return true;
  return event.ctrlKey && !inTextField(event.target);
}

function inTextField(target: EventTarget | null): boolean {
  if (typeof Element === "undefined" || !(target instanceof Element)) return false;
  return target.matches("input, textarea, [contenteditable]:not([contenteditable='false'])");
}

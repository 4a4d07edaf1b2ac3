// Timestamps for message rows and the conversation list.

/** A time of day as the page shows it: "14:05" (or "02:05 PM", as the locale writes it). */
const clock = (date: Date) => date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

/** "14:05" for today, "3 Mar 14:05" for older days. */
export function formatTime(ts: number, now: Date = new Date()): string {
  if (!ts) return "";
  const date = new Date(ts);
  const time = clock(date);
  if (date.toDateString() === now.toDateString()) return time;
  return `${date.toLocaleDateString([], { day: "numeric", month: "short" })} ${time}`;
}

/** The full date and time, for a tooltip. */
export function formatFull(ts: number): string {
  return ts ? new Date(ts).toLocaleString() : "";
}

/** The day of a message, for separators: "Today", "Yesterday", "Monday 3 March", "Monday 3 March 2025". */
export function formatDay(ts: number, now: Date = new Date()): string {
  const date = new Date(ts);
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (date.toDateString() === now.toDateString()) return "Today";
  if (date.toDateString() === yesterday.toDateString()) return "Yesterday";
  return date.toLocaleDateString([], { weekday: "long", day: "numeric", month: "long", year: date.getFullYear() === now.getFullYear() ? undefined : "numeric" });
}

/** When an offline user was last online: "last seen today at 14:05", "yesterday at 14:05", "3 Mar at 14:05" (a year shown when not this one). */
export function formatLastSeen(ts: number, now: Date = new Date()): string {
  const date = new Date(ts);
  const time = clock(date);
  const day = formatDay(ts, now);
  if (day === "Today" || day === "Yesterday") return `last seen ${day.toLowerCase()} at ${time}`;
  const short = date.toLocaleDateString([], { day: "numeric", month: "short", year: date.getFullYear() === now.getFullYear() ? undefined : "numeric" });
  return `last seen ${short} at ${time}`;
}

/** Whether two timestamps fall on the same local day. */
export function sameDay(a: number, b: number): boolean {
  return new Date(a).toDateString() === new Date(b).toDateString();
}

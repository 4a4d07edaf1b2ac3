// Timestamps for message rows and the conversation list.

/** "14:05" for today, "3 Mar 14:05" for older days. */
export function formatTime(ts: number, now: Date = new Date()): string {
  if (!ts) return "";
  const date = new Date(ts);
  const time = date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  if (date.toDateString() === now.toDateString()) return time;
  return `${date.toLocaleDateString([], { day: "numeric", month: "short" })} ${time}`;
}

/** The full date and time, for a tooltip. */
export function formatFull(ts: number): string {
  return ts ? new Date(ts).toLocaleString() : "";
}

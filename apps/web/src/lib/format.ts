// Timestamps for message rows and the conversation list.

// Each formatter is built once, in the browser's locale: `toLocaleTimeString` and its kin build one per call, which
// took a quarter of the time to render a chat of 460 messages.
const CLOCK = clockFormat([]);
const SHORT_DAY = new Intl.DateTimeFormat([], { day: "numeric", month: "short" });
const SHORT_DAY_YEAR = new Intl.DateTimeFormat([], { day: "numeric", month: "short", year: "numeric" });
const LONG_DAY = new Intl.DateTimeFormat([], { weekday: "long", day: "numeric", month: "long" });
const LONG_DAY_YEAR = new Intl.DateTimeFormat([], { weekday: "long", day: "numeric", month: "long", year: "numeric" });
/** What `Date.prototype.toLocaleString()` shows: the date and the time, all numeric. */
const FULL = new Intl.DateTimeFormat([], { year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });

/**
 * The time of day in `locales`, as chat apps write it there: "03:05" and "14:05" where clocks run to 24, "3:05 AM"
 * where they run to 12 (a two-digit hour, "03:05 AM", is written by no one in a 12-hour locale).
 */
export function clockFormat(locales: string | string[]): Intl.DateTimeFormat {
  const { hourCycle } = new Intl.DateTimeFormat(locales, { hour: "numeric" }).resolvedOptions();
  const twelve = hourCycle === "h11" || hourCycle === "h12";
  return new Intl.DateTimeFormat(locales, { hour: twelve ? "numeric" : "2-digit", minute: "2-digit" });
}

/** A time of day as the page shows it: "14:05" (or "2:05 PM", as the locale writes it). */
const clock = (date: Date) => CLOCK.format(date);

/**
 * A message's time in its list: the time of day only, as WhatsApp, Signal and Telegram write it, since the day
 * separator above says the day ("Nov 29 6:20 PM" under "Yesterday" on every message of a day away).
 */
export function formatClock(ts: number): string {
  return ts ? clock(new Date(ts)) : "";
}

/**
 * "14:05" for today, "3 Mar 14:05" for older days, "3 Mar 2025 14:05" in another year (a search result from last
 * March read as this March's).
 */
export function formatTime(ts: number, now: Date = new Date()): string {
  if (!ts) return "";
  const date = new Date(ts);
  const time = clock(date);
  if (date.toDateString() === now.toDateString()) return time;
  return `${(date.getFullYear() === now.getFullYear() ? SHORT_DAY : SHORT_DAY_YEAR).format(date)} ${time}`;
}

const WEEKDAY = new Intl.DateTimeFormat([], { weekday: "short" });

/**
 * A conversation's time in the list, as chat apps write it there (WhatsApp, Telegram, Signal): "14:05" today,
 * "Yesterday", the weekday ("Mon") within the week, then the date ("3 Mar"; "3 Mar 2025" in another year). After a day
 * away every line said "29 Nov 18:20", which took the name's room and made yesterday look long ago; a message from
 * last March said "3 Mar 14:05", as if this March.
 */
export function formatListTime(ts: number, now: Date = new Date()): string {
  if (!ts) return "";
  const date = new Date(ts);
  if (date.toDateString() === now.toDateString()) return clock(date);
  const day = formatDay(ts, now);
  if (day === "Yesterday") return day;
  const weekAgo = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 6);
  if (date >= weekAgo && date < now) return WEEKDAY.format(date);
  return (date.getFullYear() === now.getFullYear() ? SHORT_DAY : SHORT_DAY_YEAR).format(date);
}

/** The full date and time, for a tooltip. */
export function formatFull(ts: number): string {
  return ts ? FULL.format(ts) : "";
}

/** The day of a message, for separators: "Today", "Yesterday", "Monday 3 March", "Monday 3 March 2025". */
export function formatDay(ts: number, now: Date = new Date()): string {
  const date = new Date(ts);
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (date.toDateString() === now.toDateString()) return "Today";
  if (date.toDateString() === yesterday.toDateString()) return "Yesterday";
  return (date.getFullYear() === now.getFullYear() ? LONG_DAY : LONG_DAY_YEAR).format(date);
}

/** When an offline user was last online: "last seen today at 14:05", "yesterday at 14:05", "3 Mar at 14:05" (a year shown when not this one). */
export function formatLastSeen(ts: number, now: Date = new Date()): string {
  const date = new Date(ts);
  const time = clock(date);
  const day = formatDay(ts, now);
  if (day === "Today" || day === "Yesterday") return `last seen ${day.toLowerCase()} at ${time}`;
  const short = (date.getFullYear() === now.getFullYear() ? SHORT_DAY : SHORT_DAY_YEAR).format(date);
  return `last seen ${short} at ${time}`;
}

/** Whether two timestamps fall on the same local day. */
export function sameDay(a: number, b: number): boolean {
  return new Date(a).toDateString() === new Date(b).toDateString();
}

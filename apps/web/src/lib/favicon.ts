// The tab's icon with the unread count on it (drawn on a canvas, set as a data: URL, which the CSP's img-src allows).

const SIZE = 64;
let original: string | null = null;

function iconLink(): HTMLLinkElement | null {
  return document.querySelector<HTMLLinkElement>('link[rel="icon"]');
}

/** Shows `unread` on the icon (99+ past 99); 0 puts the plain icon back. */
export function showUnreadOnFavicon(unread: number): void {
  const link = iconLink();
  if (!link) return;
  original ??= link.href;
  link.dataset.unread = String(unread);
  if (unread <= 0) {
    link.href = original;
    return;
  }
  const label = unread > 99 ? "99+" : String(unread);
  const url = drawn.get(label) ?? draw(label);
  if (url) link.href = url;
}

/** Icons drawn, by label (at most 100: "1" to "99" and "99+"). */
const drawn = new Map<string, string>();

/** The icon with `label` on it, as a data: URL (null without a canvas to draw on). */
function draw(label: string): string | null {
  const canvas = document.createElement("canvas");
  canvas.width = SIZE;
  canvas.height = SIZE;
  const g = canvas.getContext("2d");
  if (!g) return null;
  g.fillStyle = "#1f5bd6";
  g.beginPath();
  g.roundRect(0, 0, SIZE, SIZE, 16);
  g.fill();
  g.fillStyle = "#ffffff";
  g.beginPath();
  g.moveTo(14, 18);
  g.lineTo(50, 18);
  g.lineTo(50, 40);
  g.lineTo(28, 40);
  g.lineTo(14, 52);
  g.closePath();
  g.fill();
  g.fillStyle = "#d92d20";
  g.beginPath();
  g.arc(SIZE - 20, 20, 20, 0, Math.PI * 2);
  g.fill();
  g.fillStyle = "#ffffff";
  g.font = `bold ${label.length > 2 ? 18 : label.length > 1 ? 24 : 30}px system-ui, sans-serif`;
  g.textAlign = "center";
  g.textBaseline = "middle";
  g.fillText(label, SIZE - 20, 21);
  const url = canvas.toDataURL("image/png");
  drawn.set(label, url);
  return url;
}

// Which rows of a scrolled list are on screen, by the id each row carries: the members dialog names only those to the
// gateway's presence (PresenceSubscribe is bounded at 500 ids and replaces the whole list): after ten "Show more" the
// 500 members loaded took every place, and the private chats' peers and the online panel lost their presence.

/** Reports settle this long after the last change: a scroll through a long list sends one subscription, not one a row. */
const SETTLE_MS = 150;

/**
 * Watches the rows (`attach` each as it is drawn) and calls `report` with the ids of those on screen, once they
 * settle; `stop` ends it. A row's id is its `data-row-id`.
 */
export function rowsOnScreen(report: (ids: string[]) => void): { attach: (row: HTMLElement) => () => void; stop: () => void } {
  const shown = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const settle = () => {
    clearTimeout(timer);
    timer = setTimeout(() => report([...shown]), SETTLE_MS);
  };
  // The viewport as root: the intersection is clipped by the dialog's scrolling box, so rows scrolled out of it count out.
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      const id = (entry.target as HTMLElement).dataset.rowId;
      if (!id) continue;
      if (entry.isIntersecting) shown.add(id);
      else shown.delete(id);
    }
    settle();
  });
  return {
    attach(row) {
      observer.observe(row);
      return () => {
        observer.unobserve(row);
        if (row.dataset.rowId && shown.delete(row.dataset.rowId)) settle();
      };
    },
    stop() {
      clearTimeout(timer);
      observer.disconnect();
    },
  };
}

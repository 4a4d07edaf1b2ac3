// A tiny typed listener list (no Node or DOM dependency); a throwing listener does not stop the others.
export class Listeners<T> {
  private readonly handlers = new Set<(value: T) => void>();

  constructor(private readonly onListenerError: (error: unknown) => void = (error) => console.error(error)) {}

  add(handler: (value: T) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  emit(value: T): void {
    for (const handler of this.handlers) {
      try {
        handler(value);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}

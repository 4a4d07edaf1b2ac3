// A set that keeps only the newest `limit` values added: memory stays bounded however long a tab lives.

export class BoundedSet<T> {
  private readonly values = new Set<T>();

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.values.size;
  }

  has(value: T): boolean {
    return this.values.has(value);
  }

  /** Adds `value` as the newest; the oldest values beyond the limit are forgotten. */
  add(value: T): void {
    this.values.delete(value);
    this.values.add(value);
    for (const oldest of this.values) {
      if (this.values.size <= this.limit) break;
      this.values.delete(oldest);
    }
  }

  delete(value: T): boolean {
    return this.values.delete(value);
  }

  clear(): void {
    this.values.clear();
  }
}

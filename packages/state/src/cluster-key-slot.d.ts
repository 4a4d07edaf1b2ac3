// Types of the cluster-key-slot package (Redis Cluster's slot function), which ships none.
declare module "cluster-key-slot" {
  /** The Redis Cluster slot (0-16383) of a key: CRC16 of its hash tag (the first `{...}`) or of the whole key. */
  export default function calculateSlot(key: string | Buffer): number;
}

// The data of one /cim/gateways child: who the gateway is and where clients reach it.
export const GATEWAYS_PATH = "/cim/gateways";
export const GATEWAY_NODE_PREFIX = "gw-";

export interface GatewayInfo {
  id: string;
  wsUrl: string;
  startedAt: number;
  /** Random per process start: tells two incarnations of one gateway id apart. */
  instance?: string;
}

/** Parses node data; null when it is not a gateway record. */
export function parseGatewayInfo(data: Buffer | undefined): GatewayInfo | null {
  if (!data) return null;
  try {
    const value = JSON.parse(data.toString("utf8")) as Partial<GatewayInfo>;
    if (typeof value.id !== "string" || typeof value.wsUrl !== "string") return null;
    return { id: value.id, wsUrl: value.wsUrl, startedAt: Number(value.startedAt ?? 0), instance: value.instance };
  } catch {
    return null;
  }
}

// Gives the SDK a WebSocket in Node: the `ws` package fits the SDK's SocketLike.
import WebSocket from "ws";
import type { SocketFactory, SocketLike } from "@cim/client";

export const wsSocketFactory: SocketFactory = (url) => new WebSocket(url) as unknown as SocketLike;

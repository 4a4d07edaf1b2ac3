// Blocking: a user blocks (and unblocks) another; private messages between them are refused both ways (the
// stores check it), and the gateways of both hear of it to stop typing, receipts and presence between them.
import { Hono } from "hono";
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { DECIMAL_ID, ErrorCode } from "@cim/protocol";
import { MAX_BLOCKS_PER_USER, type BlockChange, type ClusterMessage } from "@cim/state";
import { requireUser } from "../auth.js";
import type { AppEnv, Services } from "../context.js";
import { ApiError } from "../errors.js";
import { bearer, errorAnswer, jsonAnswer } from "../api-route.js";

const UserPath = z.object({ userId: z.string().describe("the userId to block or unblock") });

export const blockApi = {
  list: createRoute({
    method: "get", path: "/api/blocks", summary: "The users the caller blocks", security: bearer,
    responses: { 200: jsonAnswer("{blocks:[{userId, userName, name}], order} in userId order (name: the same as userName; order: the list's place among the caller's BlockEvents)"), 401: errorAnswer("bad token") },
  }),
  block: createRoute({
    method: "put", path: "/api/blocks/{userId}", summary: "Block a user: private messages between you are refused both ways (idempotent)", security: bearer, request: { params: UserPath },
    responses: {
      204: { description: "blocked" }, 400: errorAnswer("bad_request: yourself, or not a userId"), 401: errorAnswer("bad token"), 404: errorAnswer("not_found: no such user"),
      409: errorAnswer(`too_many_blocks: the caller blocks ${MAX_BLOCKS_PER_USER} users already`), 429: errorAnswer("rate_limited"),
    },
  }),
  unblock: createRoute({
    method: "delete", path: "/api/blocks/{userId}", summary: "Unblock a user (idempotent)", security: bearer, request: { params: UserPath },
    responses: { 204: { description: "not blocked (any more)" }, 400: errorAnswer("bad_request"), 401: errorAnswer("bad token"), 404: errorAnswer("not_found: no such user"), 429: errorAnswer("rate_limited") },
  }),
};

export function blockRoutes(s: Services) {
  const app = new Hono<AppEnv>();
  app.use(requireUser(s.tokens, s.sessions, s.requests));

  /** The peer named in the path, and its name: 400 for the caller itself or no userId, 404 for no account. */
  async function peerOf(userId: string, me: string): Promise<{ peer: string; peerName: string }> {
    if (!DECIMAL_ID.test(userId)) throw new ApiError(400, ErrorCode.BadRequest, "userId must be a decimal userId");
    if (userId === me) throw new ApiError(400, ErrorCode.BadRequest, "you cannot block yourself");
    const [name] = await s.accounts.names([userId]);
    if (!name) throw new ApiError(404, ErrorCode.NotFound, `no user ${userId}`);
    return { peer: userId, peerName: name };
  }

  /** Both users' gateways: typing, receipts and presence between them stop (or start again), and the blocker's other devices show it. */
  async function announce(userId: string, { peer, peerName }: { peer: string; peerName: string }, { state, order }: BlockChange): Promise<void> {
    // Two route processes may publish two changes of one pair in the other order: the order lets devices drop the older.
    const message: ClusterMessage = { type: "block", userId, peer, peerName, blocked: state === "blocked", order };
    // Once per gateway: one holding both users would else tell the blocker's sessions twice.
    await s.bus.toUsers([userId, peer], message);
  }

  app.get("/", async (c) => {
    const { ids, order } = await s.blocks.list(c.get("user").userId);
    const names = await s.accounts.names(ids);
    // userName as every other list of users names it; name (the same) is what clients before it read.
    // A user deleted since is blocked no more (nobody is left to block): left out, as every list leaves it out.
    const blocks = ids.flatMap((userId, i) => (names[i] ? [{ userId, userName: names[i], name: names[i] }] : []));
    return c.json({ blocks, order });
  });

  app.put("/:userId", async (c) => {
    const me = c.get("user").userId;
    const peer = await peerOf(c.req.param("userId"), me);
    await s.guard.changeBlocks(me);
    const change = await s.blocks.block(me, peer.peer);
    if (change === "full") throw new ApiError(409, ErrorCode.TooManyBlocks, `you block ${MAX_BLOCKS_PER_USER} users already: unblock some first`);
    // The state the store ended in: an unblock of the pair at once may have come after this block.
    await announce(me, peer, change);
    s.log.info({ userId: me, peer: peer.peer }, "user blocked");
    return c.body(null, 204);
  });

  app.delete("/:userId", async (c) => {
    const me = c.get("user").userId;
    const peer = await peerOf(c.req.param("userId"), me);
    await s.guard.changeBlocks(me);
    await announce(me, peer, await s.blocks.unblock(me, peer.peer));
    s.log.info({ userId: me, peer: peer.peer }, "user unblocked");
    return c.body(null, 204);
  });

  return app;
}

import { afterEach, describe, expect, it } from "vitest";
import { SendError, type CimClient } from "@cim/client";
import { ErrorCode } from "@cim/protocol";
import { ConversationList } from "./conversation-list.svelte.js";
import { DeliveryWatch } from "./delivery-watch.svelte.js";
import { MessageHooks } from "./message-hook.js";
import { Sender } from "./sender.js";

const watch = new DeliveryWatch(60_000);
afterEach(() => watch.reset());

/** User 1 writes `text` in the private chat with bob (2), and the client answers the Send with `refusal`. */
async function refusedInChat(refusal: SendError, text: string) {
  const conversations = new ConversationList(() => "1");
  const client = { send: () => Promise.reject(refusal) } as unknown as CimClient;
  const sender = new Sender({ client: () => client, ready: () => true, me: () => ({ userId: "1", userName: "ann", token: "t" }) as never, conversations, hooks: new MessageHooks(), notMember: () => undefined, watch });
  conversations.ensure("2", "bob");
  conversations.open("2");
  sender.send(text);
  await new Promise((resolve) => setTimeout(resolve, 0));
  return conversations.get("2")!;
}

describe("Sender", () => {
  it("a Send refused as unknown_recipient marks the message failed for good and the private chat's peer gone", async () => {
    const chat = await refusedInChat(new SendError(ErrorCode.UnknownRecipient, "no user 2", "x"), "still there?");
    expect(chat.peerGone).toBe(true);
    expect(chat.messages.at(-1)).toMatchObject({ text: "still there?", status: "failed", failedForGood: true });
  });

  it("a Send refused for now (unavailable) leaves the peer as it was", async () => {
    const chat = await refusedInChat(new SendError(ErrorCode.Unavailable, "message not stored, retry", "x"), "hello?");
    expect(chat.peerGone).toBeFalsy();
    expect(chat.messages.at(-1)).toMatchObject({ status: "failed" });
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { SendError, type CimClient } from "@cim/client";
import { ErrorCode } from "@cim/protocol";
import { ConversationList } from "./conversation-list.svelte.js";
import { DeliveryWatch } from "./delivery-watch.svelte.js";
import { MessageHooks } from "./message-hook.js";
import { Sender } from "./sender.js";

const watch = new DeliveryWatch(60_000);
afterEach(() => watch.reset());

/** A sender for user 1 whose client answers every Send with `answer`. */
function senderWith(answer: () => Promise<never>) {
  const conversations = new ConversationList(() => "1");
  const client = { send: answer } as unknown as CimClient;
  const sender = new Sender({ client: () => client, ready: () => true, me: () => ({ userId: "1", userName: "ann", token: "t" }) as never, conversations, hooks: new MessageHooks(), notMember: () => undefined, watch });
  return { conversations, sender };
}

describe("Sender", () => {
  it("a Send refused as unknown_recipient marks the message failed for good and the private chat's peer gone", async () => {
    const { conversations, sender } = senderWith(() => Promise.reject(new SendError(ErrorCode.UnknownRecipient, "no user 2", "x")));
    conversations.ensure("2", "bob");
    conversations.open("2");
    sender.send("still there?");
    await new Promise((resolve) => setTimeout(resolve, 0));
    const chat = conversations.get("2")!;
    expect(chat.peerGone).toBe(true);
    expect(chat.messages.at(-1)).toMatchObject({ text: "still there?", status: "failed", failedForGood: true });
  });

  it("a Send refused for now (unavailable) leaves the peer as it was", async () => {
    const { conversations, sender } = senderWith(() => Promise.reject(new SendError(ErrorCode.Unavailable, "message not stored, retry", "x")));
    conversations.ensure("2", "bob");
    conversations.open("2");
    sender.send("hello?");
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(conversations.get("2")!.peerGone).toBeFalsy();
    expect(conversations.get("2")!.messages.at(-1)).toMatchObject({ status: "failed" });
  });
});

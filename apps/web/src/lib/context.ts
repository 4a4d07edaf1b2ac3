// Symbol-keyed contexts through which components reach the stores (never the socket itself).
import { getContext, setContext } from "svelte";
import type { AdminStore } from "./admin.svelte.js";
import type { ChatStore } from "./chat.svelte.js";

const CHAT = Symbol("cim.chat");
const ADMIN = Symbol("cim.admin");

export function provideChat(store: ChatStore): ChatStore {
  return setContext(CHAT, store);
}

export function useChat(): ChatStore {
  const store = getContext<ChatStore | undefined>(CHAT);
  if (!store) throw new Error("useChat() outside a component under provideChat()");
  return store;
}

export function provideAdmin(store: AdminStore): AdminStore {
  return setContext(ADMIN, store);
}

export function useAdmin(): AdminStore {
  const store = getContext<AdminStore | undefined>(ADMIN);
  if (!store) throw new Error("useAdmin() outside a component under provideAdmin()");
  return store;
}

import { describe, expect, it } from "vitest";
import { HostCheck, hostNameOf, isAllowedHostEntry, isLoopbackListen } from "./allowed-hosts.js";

const lines: string[] = [];
const log = { warn: (_fields: Record<string, unknown>, msg: string) => void lines.push(msg) };

describe("HostCheck", () => {
  it("reads a Host header's name without its port, brackets, case or trailing dot", () => {
    expect(hostNameOf("Chat.Example.COM.:8443")).toBe("chat.example.com");
    expect(hostNameOf("[::1]:8080")).toBe("::1");
    expect(hostNameOf("127.0.0.1")).toBe("127.0.0.1");
  });

  it("takes loopback HOSTs as the server of this machine only", () => {
    for (const host of ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"]) expect(isLoopbackListen(host), host).toBe(true);
    for (const host of ["0.0.0.0", "::", "10.0.0.4", "chat.example.com"]) expect(isLoopbackListen(host), host).toBe(false);
  });

  it("accepts names, .names and * as entries, not URLs, ports or paths", () => {
    for (const entry of ["chat.example.com", ".example.com", "*", "gw-1"]) expect(isAllowedHostEntry(entry), entry).toBe(true);
    for (const entry of ["https://chat.example.com", "chat.example.com:443", "chat.example.com/", "*.example.com", ""]) expect(isAllowedHostEntry(entry), entry).toBe(false);
  });

  it("on loopback answers IPs, localhost and the listed names only; elsewhere any Host unless names are listed", () => {
    const loopback = new HostCheck({ listenHost: "127.0.0.1", allowed: [], log });
    for (const host of ["127.0.0.1:8080", "localhost:5173", "[::1]", "10.1.2.3", undefined]) expect(loopback.allows(host), String(host)).toBe(true);
    for (const host of ["rebind.example", "localhost.example:8080", "127.0.0.1.nip.io"]) expect(loopback.allows(host), host).toBe(false);
    expect(new HostCheck({ listenHost: "0.0.0.0", allowed: [], log }).allows("anything.example")).toBe(true);
    expect(new HostCheck({ listenHost: "127.0.0.1", allowed: ["*"], log }).allows("anything.example")).toBe(true);
    const listed = new HostCheck({ listenHost: "0.0.0.0", allowed: [".example.com"], log });
    expect(listed.allows("example.com")).toBe(true);
    expect(listed.allows("a.b.example.com:443")).toBe(true);
    expect(listed.allows("badexample.com")).toBe(false);
  });

  it("logs one refusal per window, the next one counting those left out", () => {
    let now = 0;
    const check = new HostCheck({ listenHost: "127.0.0.1", allowed: [], log, now: () => now });
    lines.length = 0;
    for (let i = 0; i < 5; i++) expect(check.refusal("rebind.example", {})).toMatch(/CIM_ALLOWED_HOSTS/);
    expect(lines).toHaveLength(1);
    now = 10_000;
    expect(check.refusal("rebind.example", {})).toBeDefined();
    expect(lines).toHaveLength(2);
    expect(check.refusal("127.0.0.1", {})).toBeUndefined();
  });
});

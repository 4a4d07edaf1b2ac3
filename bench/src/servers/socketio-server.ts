// The Socket.IO peer: one server process, rooms per user, @socket.io/redis-adapter, written as its docs suggest.
import { createServer } from "node:http";
import { Redis } from "ioredis";
import { Server } from "socket.io";
import { createAdapter } from "@socket.io/redis-adapter";

const port = Number(process.env.PORT ?? 0);
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

const pubClient = new Redis(redisUrl);
const subClient = pubClient.duplicate();
const httpServer = createServer();
const io = new Server(httpServer, { adapter: createAdapter(pubClient, subClient) });

io.on("connection", (socket) => {
  const userId = String(socket.handshake.auth.userId ?? "");
  // A private message goes to the user's room, wherever the user is connected.
  socket.join(userId);
  socket.on("private", (data: { to: string; text: string }) => {
    io.to(data.to).emit("private", { from: userId, text: data.text });
  });
  socket.on("group", (data: { text: string }) => {
    socket.broadcast.emit("group", { from: userId, text: data.text });
  });
});

httpServer.listen(port, "127.0.0.1", () => {
  const address = httpServer.address();
  console.log(JSON.stringify({ msg: "listening", port: typeof address === "object" && address ? address.port : port }));
});

process.on("SIGTERM", () => {
  io.close();
  void Promise.allSettled([pubClient.quit(), subClient.quit()]).then(() => process.exit(0));
});

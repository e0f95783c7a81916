// The tiny app for Node.js's `http` server: servers/app.py's answer, in
// JavaScript. It answers any request with 200 and a small JSON body naming
// the server and the client's port as Node sees it (req.socket.remotePort).
//
//   node servers/app.js PORT [KEEP_ALIVE_TIMEOUT_MS] [MAX_REQUESTS_PER_SOCKET]
//   node servers/app.js --defaults    (the server's own defaults, as JSON)
"use strict";
const http = require("node:http");

const servedBy = process.env.SERVED_BY || "unknown";

const server = http.createServer((req, res) => {
  req.resume(); // read the request body, if any
  const port = req.socket.remotePort ?? null;
  const body = JSON.stringify({ served_by: servedBy, client_port: port });
  res.writeHead(200, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(body),
    "X-Served-By": servedBy,
    "X-Client-Port": String(port),
  });
  res.end(body);
});

const [port, keepAliveTimeout, maxRequestsPerSocket] = process.argv.slice(2);
if (port === "--defaults") {
  const { keepAliveTimeout, maxRequestsPerSocket } = server;
  console.log(JSON.stringify({ keepAliveTimeout, maxRequestsPerSocket }));
} else {
  if (keepAliveTimeout) server.keepAliveTimeout = Number(keepAliveTimeout);
  if (maxRequestsPerSocket) server.maxRequestsPerSocket = Number(maxRequestsPerSocket);
  server.listen(Number(port), "127.0.0.1", () => {
    console.log(`${servedBy} listening on http://127.0.0.1:${server.address().port}`);
  });
}

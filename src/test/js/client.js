// A real socket.io-client (npm) for the tests: node client.js <url> <ca.pem|-> <rune|-> <transport> <namespace>
// Prints one JSON line per event: {"event":"connect"} / {"event":"connect_error","message":...} / {"event":"message","data":...,"transport":...}
const fs = require('fs');
const { io } = require('socket.io-client');
const [url, ca, rune, transport, namespace] = process.argv.slice(2);
const transports = transport === 'both' ? ['polling', 'websocket'] : [transport];
const socket = io(url + (namespace === '/' ? '' : namespace), {
  transports,
  upgrade: transport === 'both',
  ca: ca === '-' ? undefined : fs.readFileSync(ca), // '-': plain http, no CA
  extraHeaders: rune === '-' ? {} : { rune },
  reconnection: false,
});
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
socket.on('connect', () => out({ event: 'connect', transport: socket.io.engine.transport.name, ms: Date.now() }));
// The Engine.IO upgrade (polling -> websocket), with its time: a default client must be on WebSocket at once.
socket.io.on('open', () => {
  const opened = Date.now();
  const first = socket.io.engine.transport.name;
  socket.io.engine.on('upgrade', (t) => out({ event: 'upgrade', from: first, transport: t.name, sinceOpenMs: Date.now() - opened }));
});
socket.on('connect_error', (err) => { out({ event: 'connect_error', message: err.message }); process.exit(0); });
socket.on('message', (data) => out({ event: 'message', data, transport: socket.io.engine.transport.name }));
socket.on('disconnect', (reason) => out({ event: 'disconnect', reason }));
// The test closes stdin to end the client.
process.stdin.on('end', () => { socket.close(); process.exit(0); });
process.stdin.resume();

// Socket.IO fan-out load: node fanout.js <url> <ca.pem> <rune> <clients> <notifications>
// Connects <clients> npm socket.io-client sockets (websocket transport), prints {"ready":n} once all are
// connected, then counts `message` events carrying {"bench_fanout": {n, sent_ms}} and prints one JSON line:
// {received, missing, p50_ms, p99_ms, max_ms} (delay = arrival here - sent_ms, same machine clock).
const fs = require('fs');
const { io } = require('socket.io-client');
const [url, caPath, rune, clientsArg, notificationsArg] = process.argv.slice(2);
const clients = Number(clientsArg);
const notifications = Number(notificationsArg);
const ca = fs.readFileSync(caPath);
const delays = [];
let connected = 0;
let received = 0;
let outOfOrder = 0;
const sockets = [];
const expected = clients * notifications;

function finish() {
  delays.sort((a, b) => a - b);
  const pct = (p) => delays.length ? delays[Math.min(delays.length - 1, Math.floor(p * delays.length))] : -1;
  process.stdout.write(JSON.stringify({
    received, missing: expected - received, out_of_order: outOfOrder,
    p50_ms: pct(0.5), p99_ms: pct(0.99), max_ms: delays.length ? delays[delays.length - 1] : -1,
  }) + '\n');
  sockets.forEach((s) => s.close());
  process.exit(0);
}

let i = 0;
function connectNext() {
  // Open in small waves: a thousand TLS handshakes at once would measure the handshake storm instead.
  for (let k = 0; k < 50 && i < clients; k++, i++) {
    const s = io(url, { transports: ['websocket'], ca, extraHeaders: { rune }, reconnection: false, forceNew: true });
    let last = -1;
    s.on('connect', () => {
      connected++;
      if (connected === clients) {
        process.stdout.write(JSON.stringify({ ready: connected }) + '\n');
        setTimeout(finish, 60000); // whatever has arrived by then
      }
    });
    s.on('connect_error', (e) => { process.stderr.write('connect_error: ' + e.message + '\n'); process.exit(1); });
    s.on('message', (data) => {
      const m = data && data.bench_fanout;
      if (!m) return;
      if (m.n !== last + 1) outOfOrder++;
      last = m.n;
      delays.push(Date.now() - m.sent_ms);
      received++;
      if (received === expected) finish();
    });
    sockets.push(s);
  }
  if (i < clients) setTimeout(connectNext, 20);
}
connectNext();

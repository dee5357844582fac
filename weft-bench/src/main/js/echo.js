// echo.js: the Node peer of Weft's macro benchmarks, the `net` module on Node's one event loop.
//
// Listens on 127.0.0.1 (a free port) and prints "LISTENING <port>". Writes back every chunk it
// reads; when a write reports a full buffer it pauses reading until 'drain' (flow control, as
// the other peers have). On stdin, "mem" is answered with "HEAP <bytes>" (V8 heap in use after
// a collection; run with --expose-gc) and end of input ends the process.
'use strict';
const net = require('net');
const readline = require('readline');

const server = net.createServer({ noDelay: true }, (socket) => {
  socket.on('data', (chunk) => {
    if (!socket.write(chunk)) {
      socket.pause();
      socket.once('drain', () => socket.resume());
    }
  });
  socket.on('error', () => socket.destroy());
});
server.on('error', (e) => {
  console.log(`ERROR ${e.message}`);
  process.exit(1);
});
server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, () => {
  console.log(`LISTENING ${server.address().port}`);
});

const control = readline.createInterface({ input: process.stdin });
control.on('line', (line) => {
  if (line.trim() === 'mem') {
    if (global.gc) global.gc();
    console.log(`HEAP ${process.memoryUsage().heapUsed}`);
  }
});
control.on('close', () => process.exit(0));

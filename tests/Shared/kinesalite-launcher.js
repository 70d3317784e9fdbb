// Starts kinesalite in memory on an ephemeral 127.0.0.1 port and prints "listening <port>".
// Its CLI reads `--port 0` as "no port" and falls back to 4567, and listens on every interface,
// so tests start it through this script instead.
// Usage: node kinesalite-launcher.js <node_modules directory>
'use strict'
const path = require('path')

const modules = process.argv[2]
if (!modules) {
  console.error('usage: node kinesalite-launcher.js <node_modules directory>')
  process.exit(2)
}

const kinesalite = require(path.join(modules, 'kinesalite'))
// Short state transitions keep tests fast while still passing through CREATING/DELETING;
// a high shard limit lets one server hold every stream a test class creates.
const server = kinesalite({ createStreamMs: 50, deleteStreamMs: 50, updateStreamMs: 50, shardLimit: 10000 })
server.listen(0, '127.0.0.1', () => {
  console.log('listening ' + server.address().port)
})

// The test process holds our stdin open; when it exits (even by a crash) stdin ends and so do we.
process.stdin.on('end', () => process.exit(0))
process.stdin.resume()

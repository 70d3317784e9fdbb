// Starts s3rver (an S3-API server written by someone else) on an ephemeral 127.0.0.1 port, storing objects
// under the given directory, and prints "listening <port>". Its CLI needs a fixed port, so tests start it here.
// Usage: node s3rver-launcher.js <node_modules directory> <storage directory> [bucket ...]
'use strict'
const path = require('path')

const [modules, directory, ...buckets] = process.argv.slice(2)
if (!modules || !directory) {
  console.error('usage: node s3rver-launcher.js <node_modules directory> <storage directory> [bucket ...]')
  process.exit(2)
}

const S3rver = require(path.join(modules, 's3rver'))
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory,
  configureBuckets: buckets.map(name => ({ name })),
})
server.run().then(
  address => console.log('listening ' + address.port),
  error => {
    console.error(error && error.stack ? error.stack : String(error))
    process.exit(1)
  },
)

// The test process holds our stdin open; when it exits (even by a crash) stdin ends and so do we.
process.stdin.on('end', () => process.exit(0))
process.stdin.resume()

// Reads Parquet files with hyparquet (an implementation this project did not write) and prints what it decoded, so
// the C# tests can compare it with the values they wrote.
//
//   node read.mjs <repository root> <file.parquet> [<file.parquet> ...]
//
// One JSON line per file, in order:
//   {"file":"…","ok":true,"numRows":"3","schema":[{"name","type","repetition","convertedType","logicalType"}],"rows":[[…],…]}
//   {"file":"…","ok":false,"error":"…"}                      (hyparquet refused the file; the process carries on)
// Rows are arrays in schema order. Values: null; booleans; INT32 as numbers; INT64 as decimal strings (BigInt);
// DOUBLE as numbers, or "NaN"/"Infinity"/"-Infinity"/"-0" (JSON has no such numbers); TIMESTAMP and DATE as epoch
// milliseconds (hyparquet's Date; "NaN" when outside the Date range); STRING as text; other BYTE_ARRAY as
// {"base64":"…"}. GZIP pages are inflated with node's zlib through hyparquet's compressors hook.
// Exit code 3: hyparquet is not installed under <root>/tools/node_modules.
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import zlib from 'node:zlib'

const [root, ...files] = process.argv.slice(2)
if (!root) {
  process.stderr.write('usage: node read.mjs <repository root> <file.parquet>...\n')
  process.exit(2)
}

const entry = path.join(root, 'tools', 'node_modules', 'hyparquet', 'src', 'index.js')
if (!fs.existsSync(entry)) {
  process.stderr.write(`hyparquet is not installed (${entry} is missing)\n`)
  process.exit(3)
}

const { parquetMetadata, parquetReadObjects } = await import(pathToFileURL(entry).href)

const compressors = {
  GZIP: (input) => new Uint8Array(zlib.gunzipSync(input)),
}

function number(value) {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Infinity) return 'Infinity'
  if (value === -Infinity) return '-Infinity'
  if (Object.is(value, -0)) return '-0'
  return value
}

function convert(value) {
  if (value === undefined || value === null) return null
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'number') return number(value)
  if (value instanceof Date) return number(value.getTime())
  if (value instanceof Uint8Array) return { base64: Buffer.from(value).toString('base64') }
  return value
}

for (const file of files) {
  try {
    const data = fs.readFileSync(file)
    const buffer = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)
    const metadata = parquetMetadata(buffer)
    const leaves = metadata.schema.slice(1)
    const names = leaves.map((element) => element.name)
    const objects = await parquetReadObjects({ file: buffer, compressors, utf8: false })
    const rows = objects.map((row) => names.map((name) => convert(row[name])))
    const schema = leaves.map((element) => ({
      name: element.name,
      type: element.type ?? null,
      repetition: element.repetition_type ?? null,
      convertedType: element.converted_type ?? null,
      logicalType: element.logical_type ? JSON.stringify(element.logical_type) : null,
    }))
    process.stdout.write(JSON.stringify({ file, ok: true, numRows: String(metadata.num_rows), schema, rows }) + '\n')
  } catch (error) {
    process.stdout.write(JSON.stringify({ file, ok: false, error: String(error && error.stack || error) }) + '\n')
  }
}

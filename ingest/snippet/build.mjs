// Minify t.js into ../static/t.min.js (or the path given), the file the collector serves at /t.js.
// Run by `npm run build` / `make snippet`; the tests rebuild into a temporary file and compare.
// The output must parse as ES2017 (what the snippet promises browsers) and say its size.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { parse } from 'acorn';
import { minify } from 'terser';

const here = dirname(fileURLToPath(import.meta.url));
const output = process.argv[2] || join(here, '..', 'static', 't.min.js');
const source = readFileSync(join(here, 't.js'), 'utf8');
const { code } = await minify(source, {
  ecma: 2017,
  compress: { passes: 2 },
  mangle: true,
  format: { comments: false },
});
parse(code, { ecmaVersion: 2017 }); // throws on anything newer
writeFileSync(output, code + '\n');
const gzipped = gzipSync(code + '\n', { level: 9 }).length;
console.log(`${output}: ${code.length + 1} bytes, ${gzipped} gzipped`);

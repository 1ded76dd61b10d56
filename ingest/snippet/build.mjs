// Minify t.js into ../static/t.min.js (or the path given), the file the collector serves at /t.js.
// Run by `npm run build` / `make snippet`; the tests rebuild into a temporary file and compare.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { minify } from 'terser';

const here = dirname(fileURLToPath(import.meta.url));
const output = process.argv[2] || join(here, '..', 'static', 't.min.js');
const source = readFileSync(join(here, 't.js'), 'utf8');
const result = await minify(source, {
  ecma: 2017,
  compress: { passes: 2 },
  mangle: true,
  format: { comments: false },
});
writeFileSync(output, result.code + '\n');

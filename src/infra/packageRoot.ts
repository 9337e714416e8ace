// The hrhooks package directory, whether this code runs from source (tsx) or compiled (dist/):
// the nearest folder above this file whose package.json is hrhooks'. Read once, at load.
import fs from 'node:fs';
import path from 'node:path';

function find(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'hrhooks') return dir;
    if (path.dirname(dir) === dir) throw new Error(`no hrhooks package.json above ${from}`);
  }
}

export const PACKAGE_ROOT = find(__dirname);

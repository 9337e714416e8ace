// The web interface's static assets: one stylesheet (assets/*.css, in order) and the browser scripts
// (browser/*.ts), served at /assets/<name>.<content hash>.<ext> so a browser may keep them for a year.
// `npm run build` compiles them into dist/web/; from source (tsx, tests) they are compiled in memory once
// when dist/web/ is missing or older than the sources, as the workflow bundle is. Read once; no other I/O.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Router } from 'express';
import { PACKAGE_ROOT } from '../../infra/packageRoot';

const BUILT_DIR = path.join(PACKAGE_ROOT, 'dist', 'web');
const STYLES_DIR = path.join(PACKAGE_ROOT, 'src', 'interfaces', 'web', 'assets');
const BROWSER_DIR = path.join(PACKAGE_ROOT, 'src', 'interfaces', 'web', 'browser');
/** The stylesheet's parts, in cascade order. */
export const STYLESHEET_PARTS = ['base.css', 'management.css', 'charts.css'];
/** The browser scripts every page loads (ES modules, no imports between them). */
export const SCRIPTS = ['page.js', 'bulk.js'];

export interface Asset {
  href: string;
  type: string;
  body: Buffer;
}

export interface AssetManifest {
  stylesheet: Asset;
  scripts: Asset[];
}

function newest(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  return Math.max(0, ...fs.readdirSync(dir).map((name) => fs.statSync(path.join(dir, name)).mtimeMs));
}

function builtIsCurrent(): boolean {
  const files = [...STYLESHEET_PARTS, ...SCRIPTS].map((name) => path.join(BUILT_DIR, name));
  if (!files.every((f) => fs.existsSync(f))) return false;
  const oldest = Math.min(...files.map((f) => fs.statSync(f).mtimeMs));
  return oldest >= Math.max(newest(STYLES_DIR), newest(BROWSER_DIR));
}

/** Development: type-checks and compiles the browser scripts into a scratch folder, read, then removed. */
function compileFromSource(): Map<string, Buffer> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-web-'));
  try {
    const tsc = path.join(PACKAGE_ROOT, 'node_modules', '.bin', 'tsc');
    const run = spawnSync(tsc, ['-p', path.join(BROWSER_DIR, 'tsconfig.json'), '--outDir', out], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`the web interface's browser scripts do not compile: ${run.stdout}${run.stderr}${run.error ?? ''}`);
    const files = new Map(SCRIPTS.map((name) => [name, fs.readFileSync(path.join(out, name))]));
    for (const name of STYLESHEET_PARTS) files.set(name, fs.readFileSync(path.join(STYLES_DIR, name)));
    return files;
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

function readBuilt(): Map<string, Buffer> {
  return new Map([...STYLESHEET_PARTS, ...SCRIPTS].map((name) => [name, fs.readFileSync(path.join(BUILT_DIR, name))]));
}

function hashed(name: string, type: string, body: Buffer): Asset {
  const hash = crypto.createHash('sha256').update(body).digest('base64url').slice(0, 16);
  const dot = name.lastIndexOf('.');
  return { href: `/assets/${name.slice(0, dot)}.${hash}${name.slice(dot)}`, type, body };
}

function load(): AssetManifest {
  const files = builtIsCurrent() || !fs.existsSync(BROWSER_DIR) ? readBuilt() : compileFromSource();
  const css = Buffer.concat(STYLESHEET_PARTS.map((name) => files.get(name)!));
  return {
    stylesheet: hashed('app.css', 'text/css; charset=utf-8', css),
    scripts: SCRIPTS.map((name) => hashed(name, 'text/javascript; charset=utf-8', files.get(name)!)),
  };
}

let manifest: AssetManifest | null = null;

/** The assets and their URLs, read (or, from source, compiled) on first use. */
export function assets(): AssetManifest {
  manifest ??= load();
  return manifest;
}

/** GET /assets/<name>.<hash>.<ext>, no session needed; the hash changes with the content, so it never goes stale. */
export function assetRoutes(): Router {
  const router = Router();
  router.get('/assets/:file', (req, res, next) => {
    const { stylesheet, scripts } = assets();
    const asset = [stylesheet, ...scripts].find((a) => a.href === `/assets/${req.params.file}`);
    if (!asset) return next();
    res.type(asset.type).set('cache-control', 'public, max-age=31536000, immutable').send(asset.body);
  });
  return router;
}

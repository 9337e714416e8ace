// The web interface's icon (an "h" on the header's navy), served at /favicon.svg and /favicon.ico without a session,
// so no page of the interface makes the browser log a 404. Static: no I/O, no state.
import { Router } from 'express';

export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#17203a"/>`
  + `<path d="M10 7v18M10 16c2-3 4-4 6.5-4S21 13.5 21 17v8" stroke="#fff" stroke-width="3.2" fill="none" stroke-linecap="round"/></svg>`;

export function faviconRoutes(): Router {
  const router = Router();
  router.get(['/favicon.svg', '/favicon.ico'], (_req, res) => {
    res.type('image/svg+xml').set('cache-control', 'public, max-age=86400').send(FAVICON_SVG);
  });
  return router;
}

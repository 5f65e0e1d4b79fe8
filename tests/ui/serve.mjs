// A tiny static server for the built UI (ui/dist) and node_modules, on 127.0.0.1 only.
// `inject` is HTML put before the app's own module script in index.html (test mocks).

import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

export async function serve({ root, modules, inject = "", routes = {} }) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    try {
      if (routes[url.pathname]) {
        const [type, body] = routes[url.pathname]();
        res.writeHead(200, { "content-type": type });
        return res.end(body);
      }
      let base = root;
      let path = url.pathname;
      if (path.startsWith("/node_modules/")) {
        base = modules;
        path = path.slice("/node_modules".length);
      }
      if (path.endsWith("/")) path += "index.html";
      const file = normalize(join(base, path));
      if (!file.startsWith(base)) throw new Error("outside the root");
      let body = await readFile(file);
      if (file.endsWith("index.html") && inject) {
        body = Buffer.from(body.toString("utf8").replace(/<script type="module"/, `${inject}\n<script type="module"`));
      }
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end("not found");
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return { server, url: `http://127.0.0.1:${server.address().port}/` };
}

// Re-lint in the browser: the stage engine bundle JupyterLab loads
// (kernel-bridge/engine/dist/index.browser.mjs) in Debian's Chromium, on the
// generated notebook, timing one analysis after a one-cell edit the way the
// editor does it (cell sources split into lines, compile + lint, SQL of
// unchanged cells cached).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { chromium } from '../kernel-bridge/node_modules/playwright-core/index.mjs';
import { CHROMIUM_ARGS } from './common.mjs';

function serve(engineFile) {
  const engine = readFileSync(engineFile);
  const server = http.createServer((request, response) => {
    if (request.url === '/engine.mjs') {
      response.writeHead(200, { 'Content-Type': 'text/javascript' });
      response.end(engine);
    } else {
      response.writeHead(200, { 'Content-Type': 'text/html' });
      response.end('<!doctype html><title>Arcade re-lint bench</title>');
    }
  });
  return new Promise(resolve => {
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/**
 * @returns {Promise<object>} timings in milliseconds measured inside the page.
 */
export async function benchBrowserRelint({ repo, notebookText, iterations }) {
  const engineFile = path.join(
    repo,
    'kernel-bridge/engine/dist/index.browser.mjs'
  );
  const server = await serve(engineFile);
  const executablePath = process.env.ARCADE_CHROMIUM ?? '/usr/bin/chromium';
  const browser = await chromium.launch({
    executablePath,
    args: CHROMIUM_ARGS
  });
  try {
    const page = await browser.newPage();
    const { port } = server.address();
    await page.goto(`http://127.0.0.1:${port}/`);
    const result = await page.evaluate(
      async ({ text, iterations }) => {
        const loadStart = performance.now();
        const engine = await import('/engine.mjs');
        const loadMs = performance.now() - loadStart;
        // JupyterLab's model holds each cell's source as one string.
        const model = JSON.parse(text);
        for (const cell of model.cells) {
          cell.source = cell.source.join('');
        }
        const options = { environments: ['dev', 'test', 'prod'] };
        // What the editor does on each change: the model as nbformat, then analyse.
        const analyse = () => {
          const notebook = {
            ...model,
            cells: model.cells.map(cell => ({
              ...cell,
              source: cell.source.match(/[^\n]*\n|[^\n]+$/g) ?? []
            }))
          };
          return engine.analyzeNotebook(notebook, options);
        };
        const coldStart = performance.now();
        const cold = analyse();
        const coldMs = performance.now() - coldStart;
        for (let i = 0; i < 5; i++) {
          analyse();
        }
        // A %sql cell in the middle of the notebook, reading a view made above it.
        const edited = model.cells.findIndex(
          (c, i) => i >= model.cells.length / 2 && c.source.startsWith('%sql ')
        );
        const times = [];
        let diagnostics = 0;
        for (let i = 0; i < iterations; i++) {
          model.cells[edited].source =
            `%sql name="edited" outputView=view_edited environments=dev\n` +
            `SELECT ${i} AS id, UPPER('x${i}') AS label FROM view_1 WHERE id > ${i}`;
          const start = performance.now();
          const analysis = analyse();
          times.push(performance.now() - start);
          diagnostics = analysis.diagnostics.length;
        }
        return {
          loadMs,
          coldMs,
          stages: cold.compiled === null ? 0 : cold.compiled.stages.length,
          times,
          diagnostics,
          userAgent: navigator.userAgent
        };
      },
      { text: notebookText, iterations }
    );
    return { ...result, chromium: browser.version() };
  } finally {
    await browser.close();
    server.close();
  }
}

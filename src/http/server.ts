import { createServer, type Server } from 'node:http';
import express, { type ErrorRequestHandler, type Express } from 'express';
import { BotError, httpStatusFor } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';

export interface HttpAppOptions {
  log: Logger;
  metrics: Metrics;
  /** Resolves when the store answers; rejects or resolves false otherwise. */
  ready: () => Promise<boolean>;
  mount: Array<(router: express.Router) => void>;
}

/** The one HTTP app: health, readiness, metrics, and whatever each part mounts. */
export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const ready = await options.ready().catch((error: unknown) => {
      options.log.warn({ err: error }, 'readiness check failed');
      return false;
    });
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'store unreachable' });
  });

  app.get('/metrics', async (_req, res) => {
    res.type(options.metrics.registry.contentType).send(await options.metrics.registry.metrics());
  });

  const router = express.Router();
  for (const mount of options.mount) mount(router);
  app.use(router);

  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found', message: 'no such route' });
  });
  app.use(errorHandler(options.log));
  return app;
}

interface HttpError {
  status?: number;
  type?: string;
  message?: string;
}

// body-parser reports its failures with a `type`; they become our codes here, once.
function translate(error: unknown): unknown {
  const e = error as HttpError;
  if (e?.type === 'entity.too.large') {
    return new BotError('body_too_large', 'body is larger than WEBHOOK_BODY_LIMIT allows');
  }
  if (e?.type === 'encoding.unsupported') {
    return new BotError('encoding_unsupported', `${e.message}: send gzip, deflate, br or identity`);
  }
  if (e?.type === 'charset.unsupported') {
    return new BotError('charset_unsupported', e.message ?? 'unsupported charset');
  }
  if (e?.status === 400)
    return new BotError('body_not_json', `body could not be read: ${e.message}`);
  return error;
}

function errorHandler(log: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const translated = translate(error);
    const status = httpStatusFor(translated);
    if (status >= 500) log.error({ err: error, path: req.path }, 'request failed');
    else log.warn({ path: req.path, reason: (translated as Error).message }, 'request refused');

    if (res.headersSent) return;
    const body =
      translated instanceof BotError
        ? { error: translated.code, message: translated.message }
        : { error: 'internal', message: 'internal error; see the bot log' };
    if (status === 401) res.set('WWW-Authenticate', 'Bearer realm="emnify-events"');
    res.status(status).json(body);
  };
}

/** Listens and resolves with the server once the port is bound. */
export function listen(app: Express, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(app);
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

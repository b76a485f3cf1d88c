import express, { type Router } from 'express';
import { BotError } from '../errors.js';
import { parseRecords } from '../events/parse-body.js';
import { type IngestDeps, ingestRecords } from '../ingest/ingest.js';
import type { Logger } from '../observability/logger.js';
import { decodeJsonBody } from './decode-body.js';
import { webhookAuthorized } from './webhook-auth.js';

export interface WebhookOptions {
  token?: string;
  bodyLimit: number;
  ingest: IngestDeps;
  log: Logger;
}

let requestSequence = 0;

/**
 * `POST /emnify/events`: the Data Streamer webhook. Answers 200 with the ingest summary
 * only after everything accepted is committed.
 */
export function mountWebhook(router: Router, options: WebhookOptions): void {
  const readBody = express.raw({ type: () => true, limit: options.bodyLimit, inflate: true });

  router.post(
    '/emnify/events',
    (req, _res, next) => {
      if (options.token && !webhookAuthorized(req.get('authorization'), options.token)) {
        next(new BotError('unauthorized', 'missing or wrong Authorization for the webhook'));
        return;
      }
      next();
    },
    (req, _res, next) => {
      // HTTP says x-gzip is gzip; the body reader knows only the short name.
      if (/^\s*x-gzip\s*$/i.test(req.get('content-encoding') ?? '')) {
        req.headers['content-encoding'] = 'gzip';
      }
      next();
    },
    readBody,
    async (req, res) => {
      requestSequence += 1;
      const log = options.log.child({ request: requestSequence, route: 'emnify-events' });
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);

      const records = parseRecords(decodeJsonBody(body, req.get('content-type')));
      const result = await ingestRecords(records, options.ingest, log);
      log.info(
        {
          received: result.received,
          stored: result.stored,
          duplicates: result.duplicates,
          ignored: result.ignored,
          rejected: result.rejected.length,
        },
        'webhook body ingested',
      );
      res.status(200).json(result);
    },
  );
}

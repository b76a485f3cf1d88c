import { utcMinute } from '../../src/messages/utc-minute.js';

/**
 * Escapes text for Slack mrkdwn: `&`, `<` and `>` only, as Slack asks, so that no event field
 * can become a mention (`<!channel>`, `<@U…>`) or a link (`<https://x|y>`).
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A `<!date^…>` token: Slack shows it in each reader's zone, or the UTC fallback. */
export function slackDate(iso: string, format = '{date_short_pretty} at {time}'): string {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  return `<!date^${seconds}^${format}|${utcMinute(iso)}>`;
}

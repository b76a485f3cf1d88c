import { createHmac } from 'node:crypto';

/** Signs a request body the way Slack does (v0 scheme). */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  const digest = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  return `v0=${digest}`;
}

/** A slash command form body as Slack sends it. */
export function slashCommandBody(text: string, responseUrl: string, channel = 'C0CHANNEL'): string {
  return new URLSearchParams({
    token: 'legacy-token',
    team_id: 'T0001',
    team_domain: 'example',
    channel_id: channel,
    channel_name: 'ops',
    user_id: 'U0ASKER',
    user_name: 'asker',
    command: '/emnify-users',
    text,
    api_app_id: 'A0001',
    response_url: responseUrl,
    trigger_id: '1.2.3',
  }).toString();
}

/** POSTs a form body to the bot's /slack/events, signed as Slack signs it. */
export function postSignedToSlack(
  botUrl: string,
  secret: string,
  body: string,
  ageSeconds = 0,
): Promise<Response> {
  const timestamp = Math.floor(Date.now() / 1000) - ageSeconds;
  return fetch(`${botUrl}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(secret, timestamp, body),
    },
    body,
  });
}

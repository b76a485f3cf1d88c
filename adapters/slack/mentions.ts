// A user (<@U…>, <@W…>) or a user group (<!subteam^S…>), as Slack sends them in a slash
// command with "escape channels, users, and links" on; an optional |label follows.
const MENTION = /<(@[UW][A-Z0-9]+|!subteam\^S[A-Z0-9]+)(?:\|[^<>]*)?>/g;

/**
 * Reads the on-call to store from `oncall …`: every user or user-group mention in the text
 * (labels dropped), or a bare user id. Undefined when there is none.
 */
export function parseSlackMentions(text: string): string | undefined {
  const found = [...text.matchAll(MENTION)].map((match) => `<${match[1]}>`);
  if (found.length === 0 && /^[UW][A-Z0-9]{6,}$/.test(text.trim())) found.push(`<@${text.trim()}>`);
  return found.length > 0 ? [...new Set(found)].join(' ') : undefined;
}

/**
 * The stored on-call as mrkdwn, re-checked token by token: only user and user-group mentions
 * pass, so nothing else can ever be emitted unescaped.
 */
export function renderSlackMentions(stored: string | undefined): string {
  if (!stored) return '';
  const tokens = stored
    .split(/\s+/)
    .filter((token) => /^<(@[UW][A-Z0-9]+|!subteam\^S[A-Z0-9]+)>$/.test(token));
  return tokens.join(' ');
}

/** Undoes Slack's escaping of &, < and > in a slash command's text; mention tokens stay as sent. */
export function unescapeCommandText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

import { SLACK_LIMITS } from '../../adapters/slack/render.js';

type Json = Record<string, unknown>;

/** Checks a message against Slack's Block Kit rules that matter here; returns the problems. */
export function blockKitProblems(message: { text?: unknown; blocks?: unknown }): string[] {
  const problems: string[] = [];
  const blocks = (message.blocks ?? []) as Json[];
  if (typeof message.text !== 'string' || message.text.length === 0) problems.push('no text');
  if (blocks.length > SLACK_LIMITS.blocks) problems.push(`${blocks.length} blocks`);

  blocks.forEach((block, i) => {
    const text = block.text as Json | undefined;
    if (block.type === 'header') {
      if (text?.type !== 'plain_text') problems.push(`header ${i} not plain_text`);
      if (String(text?.text).length > SLACK_LIMITS.header) problems.push(`header ${i} too long`);
    }
    if (block.type === 'section') {
      const fields = (block.fields ?? []) as Json[];
      if (!text && fields.length === 0) problems.push(`section ${i} empty`);
      if (text && String(text.text).length > SLACK_LIMITS.sectionText) {
        problems.push(`section ${i} text ${String(text.text).length}`);
      }
      if (fields.length > SLACK_LIMITS.fields)
        problems.push(`section ${i} has ${fields.length} fields`);
      for (const field of fields) {
        if (String(field.text).length > SLACK_LIMITS.fieldText)
          problems.push(`field in ${i} too long`);
      }
    }
    if (block.type === 'context') {
      const elements = (block.elements ?? []) as Json[];
      if (elements.length === 0 || elements.length > 10) problems.push(`context ${i} elements`);
    }
    if (!['header', 'section', 'context', 'actions', 'divider'].includes(String(block.type))) {
      problems.push(`unknown block type ${String(block.type)}`);
    }
  });
  return problems;
}

/** Every mrkdwn string in a message, for checks on escaping. */
export function mrkdwnTexts(message: { blocks?: unknown }): string[] {
  const out: string[] = [];
  const visit = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      const object = value as Json;
      if (object.type === 'mrkdwn' && typeof object.text === 'string') out.push(object.text);
      Object.values(object).forEach(visit);
    }
  };
  visit(message.blocks);
  return out;
}

import { USER_DELETED, USER_VERIFIED } from '../events/event-catalogue.js';
import { message, type NeutralMessage } from '../messages/message.js';
import type { OrganisationStore } from '../store/organisation-store.js';
import type { RecentStore } from '../store/recent-store.js';
import { COMMAND_GRAMMAR, parseCommand, type RecentCommand } from './parse-command.js';
import { buildRecentReport, type RecentReport, recentMessage } from './recent-reply.js';

export interface CommandContext {
  organisations: OrganisationStore;
  recent: RecentStore;
  now?: Date;
}

/** A neutral reply; `public` asks the adapter to show it to the whole channel. */
export interface CommandReply {
  message: NeutralMessage;
  public: boolean;
  report?: RecentReport;
}

/** Parses and answers one chat command. Never throws for bad input: it explains instead. */
export async function runCommand(text: string, context: CommandContext): Promise<CommandReply> {
  const parsed = parseCommand(text, context.now);
  if (!parsed.ok) return { message: helpMessage(parsed.problem), public: false };
  if (parsed.command.name === 'help') return { message: helpMessage(), public: false };
  return runRecent(parsed.command, context);
}

/** Answers a parsed `recent` command. */
export async function runRecent(
  command: RecentCommand,
  context: CommandContext,
): Promise<CommandReply> {
  let organisation: RecentReport['organisation'] = null;

  if (command.organisation) {
    const match = await context.organisations.resolve(command.organisation);
    if (match.kind === 'none') {
      const summary = `No organisation matches "${command.organisation}".`;
      return { message: message({ title: 'Unknown organisation', summary }), public: false };
    }
    if (match.kind === 'ambiguous') {
      return { message: ambiguousMessage(command.organisation, match.candidates), public: false };
    }
    organisation = match.organisation;
  }

  const result = await context.recent.recent({
    typeIds: command.kinds.map((kind) => (kind === 'deleted' ? USER_DELETED : USER_VERIFIED)),
    organisationId: organisation?.id,
    since: command.since,
    limit: command.limit,
  });
  const report = buildRecentReport(command, organisation, result);
  return { message: recentMessage(command, report), public: command.public, report };
}

/** The grammar, optionally preceded by what was not understood. */
export function helpMessage(problem?: string): NeutralMessage {
  return message({
    title: problem ? 'Sorry, I did not understand that' : 'emnify users: commands',
    summary: problem ?? 'Ask for recent user deletions and verifications, per organisation.',
    fields: [
      { label: 'Usage', value: COMMAND_GRAMMAR },
      { label: 'Help', value: 'help' },
    ],
    notes: [
      'Examples: recent · recent deleted Nordwind · recent verified --since 24h · ' +
        'recent "Copperleaf Agritech Ltd" --since 2026-11-03 --limit 50 --public',
      'Defaults: both kinds, every organisation, the last 7 days, 20 entries, only you see it.',
    ],
  });
}

function ambiguousMessage(text: string, candidates: Array<{ id: string; name?: string }>) {
  return message({
    title: 'Which organisation?',
    summary: `"${text}" matches ${candidates.length} organisations; name one of them or use its id.`,
    sections: [
      {
        title: 'Candidates',
        items: candidates.map((c) => ({ text: `${c.name ?? 'unnamed'} (id ${c.id})` })),
      },
    ],
  });
}

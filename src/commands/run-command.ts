import { USER_DELETED, USER_VERIFIED } from '../events/event-catalogue.js';
import { message, type NeutralMessage } from '../messages/message.js';
import type { OrganisationStore } from '../store/organisation-store.js';
import type { RecentStore } from '../store/recent-store.js';
import { type ChatCommandContext, runManage } from './manage-commands.js';
import { COMMAND_GRAMMAR, parseCommand, type RecentCommand } from './parse-command.js';
import { MANAGE_GRAMMAR } from './parse-manage.js';
import { buildRecentReport, type RecentReport, recentMessage } from './recent-reply.js';

export interface CommandContext {
  organisations: OrganisationStore;
  recent: RecentStore;
  now?: Date;
  /** Present for commands from a chat channel; absent on the command line. */
  chat?: ChatCommandContext;
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
  const command = parsed.command;
  if (command.name === 'help') return { message: helpMessage(), public: false };
  if (command.name === 'recent') return runRecent(command, context);
  return { message: await runManage(command, context.chat), public: false };
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

  const visible = await visibleOrganisations(context.chat);
  if (organisation && visible && !visible.has(organisation.id)) {
    const summary = `This channel only sees the organisations it subscribed to; ${
      organisation.name ?? organisation.id
    } is not one of them.`;
    return { message: message({ title: 'Not visible here', summary }), public: false };
  }

  const result = await context.recent.recent({
    typeIds: command.kinds.map((kind) => (kind === 'deleted' ? USER_DELETED : USER_VERIFIED)),
    organisationId: organisation?.id,
    organisationIds: organisation || !visible ? undefined : [...visible],
    since: command.since,
    limit: command.limit,
  });
  const scoped = { ...command, channelOnly: visible !== undefined && !organisation };
  const report = buildRecentReport(scoped, organisation, result);
  return { message: recentMessage(scoped, report), public: command.public, report };
}

/**
 * A channel whose subscriptions all name organisations sees only those in `recent`; any
 * subscription to every organisation, or none at all, shows everything.
 */
async function visibleOrganisations(chat: ChatCommandContext | undefined) {
  if (!chat) return undefined;
  const subscriptions = await chat.subscriptions.forDestination(chat.destination);
  if (subscriptions.length === 0 || subscriptions.some((s) => !s.orgId)) return undefined;
  return new Set(subscriptions.map((s) => s.orgId ?? ''));
}

/** The grammar, optionally preceded by what was not understood. */
export function helpMessage(problem?: string): NeutralMessage {
  return message({
    title: problem ? 'Sorry, I did not understand that' : 'emnify users: commands',
    severity: problem ? 'warn' : 'info',
    summary: problem ?? 'Ask for recent user deletions and verifications, per organisation.',
    fields: [
      { label: 'Usage', value: COMMAND_GRAMMAR },
      { label: 'Channel settings (admins)', value: MANAGE_GRAMMAR.join(' · ') },
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
    summary:
      `"${text}" matches ${candidates.length} organisations; ` + 'name one of them or use its id.',
    sections: [
      {
        title: 'Candidates',
        items: candidates.map((c) => ({ text: `${c.name ?? 'unnamed'} (id ${c.id})` })),
      },
    ],
  });
}

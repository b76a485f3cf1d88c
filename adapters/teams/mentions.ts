import type { Activity } from 'botbuilder';

export interface TeamsMention {
  id: string;
  name: string;
}

/** People mentioned in a command other than the bot itself, as the on-call value to store. */
export function mentionsIn(activity: Activity): string | undefined {
  const people = (activity.entities ?? [])
    .filter((entity) => entity.type === 'mention')
    .map((entity) => entity.mentioned as { id?: string; name?: string } | undefined)
    .filter((who): who is { id: string; name: string } => Boolean(who?.id && who.name))
    .filter((who) => who.id !== activity.recipient.id)
    .map(({ id, name }) => ({ id, name }));
  return people.length > 0 ? JSON.stringify(people) : undefined;
}

/** Reads a stored on-call back; anything malformed reads as nobody. */
export function storedMentions(stored: string | undefined): TeamsMention[] {
  if (!stored) return [];
  try {
    const list = JSON.parse(stored) as unknown;
    if (!Array.isArray(list)) return [];
    return (
      list
        .filter((m): m is TeamsMention => typeof m?.id === 'string' && typeof m?.name === 'string')
        // The name sits inside <at>…</at>; angle brackets would end the tag early.
        .map((m) => ({ id: m.id, name: m.name.replace(/[<>]/g, '') }))
    );
  } catch {
    // Stored by another platform's adapter or damaged: mention nobody rather than fail.
    return [];
  }
}

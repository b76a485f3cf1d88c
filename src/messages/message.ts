import type { Severity } from '../events/emnify-event.js';

export type { Severity };

/** A labelled fact, e.g. "Deleted by: Priya Raman". Plain text, no markup. */
export interface Field {
  label: string;
  value: string;
}

export interface Link {
  label: string;
  url: string;
}

/** A button; `id` names the action, `value` is what the click sends back. */
export interface Action {
  id: string;
  label: string;
  value: string;
  style?: 'primary' | 'danger';
}

/** One line of a list, with an optional time that the adapter shows in the reader's zone. */
export interface ListItem {
  text: string;
  time?: string;
}

/** A titled list, e.g. one organisation in a `recent` reply. */
export interface Section {
  title: string;
  subtitle?: string;
  items: ListItem[];
  /** How many entries of this section were left out. */
  omitted?: number;
}

/**
 * A chat message as data. Every string is plain text: adapters own all markup and all
 * escaping, and enforce their platform's limits.
 */
export interface NeutralMessage {
  title: string;
  severity: Severity;
  summary: string;
  fields: Field[];
  sections: Section[];
  /** ISO 8601 UTC; shown in each reader's own zone. */
  time?: string;
  /** Small print: organisation, event id, type. */
  context: string[];
  links: Link[];
  actions: Action[];
  /** Lines after the body, e.g. what was left out and how to narrow the query. */
  notes: string[];
  /** The whole message as one plain line, for notifications and screen readers. */
  fallback: string;
  /**
   * Whom to ping (the destination's on-call), in the form its adapter stored; adapters
   * validate it again and render it as a real mention. Never taken from event data.
   */
  mention?: string;
}

/** Fills the optional parts of a message with empty values. */
export function message(
  parts: Pick<NeutralMessage, 'title' | 'summary'> & Partial<NeutralMessage>,
): NeutralMessage {
  return {
    severity: 'info',
    fields: [],
    sections: [],
    context: [],
    links: [],
    actions: [],
    notes: [],
    fallback: `${parts.title}: ${parts.summary}`,
    ...parts,
  };
}

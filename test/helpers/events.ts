/** A type 46 deletion in an organisation of the tests' own, with a fresh time. */
export function deletionEvent(id: number, org = { id: 999001, name: 'Fjordline Test AS' }): string {
  return JSON.stringify({
    id,
    timestamp: new Date().toISOString(),
    alert: false,
    description: `User 'u${id}@fjordline.example.org' deleted`,
    event_type: { id: 46, description: 'User deleted' },
    event_source: { id: 2, description: 'API' },
    event_severity: { id: 1, description: 'Warn' },
    organisation: org,
    user: { id: 1, name: 'Ops Admin', username: 'admin@fjordline.example.org' },
    detail: { user: { id: id + 1, username: `u${id}@fjordline.example.org` } },
  });
}

/** The event ids named in a posted Slack message's context line ("Event 123"). */
export function eventIdsIn(message: Record<string, unknown>): string[] {
  return [...JSON.stringify(message.blocks ?? []).matchAll(/Event (\d+)/g)].map((m) => m[1] ?? '');
}

/** The families emnify's event types fall into, used for grouping and emoji. */
export type EventCategory =
  | 'generic'
  | 'network'
  | 'device'
  | 'user'
  | 'organisation'
  | 'quota'
  | 'cloudconnect'
  | 'vpn';

export interface EventTypeInfo {
  id: number;
  label: string;
  category: EventCategory;
}

// Labels follow emnify's type lookup list; ids are the key, never the description text,
// because some events carry a description that differs from the list (type 27).
const TYPES: Array<[number, string, EventCategory]> = [
  [0, 'Generic', 'generic'],
  [1, 'Update location', 'network'],
  [2, 'Update GPRS location', 'network'],
  [3, 'Create PDP context', 'network'],
  [4, 'Update PDP context', 'network'],
  [5, 'Delete PDP context', 'network'],
  [6, 'User authentication failed', 'user'],
  [7, 'Application authentication failed', 'user'],
  [8, 'SIM activation', 'device'],
  [9, 'SIM suspension', 'device'],
  [10, 'SIM deletion', 'device'],
  [11, 'Endpoint blocked', 'device'],
  [12, 'Organisation blocked', 'organisation'],
  [13, 'Support access', 'user'],
  [14, 'Multi-factor authentication', 'user'],
  [15, 'Purge location', 'network'],
  [16, 'Purge GPRS location', 'network'],
  [17, 'Self-signup', 'organisation'],
  [18, 'Quota threshold reached', 'quota'],
  [19, 'Quota used up', 'quota'],
  [20, 'SMS quota threshold reached', 'quota'],
  [21, 'SMS quota used up', 'quota'],
  [22, 'CloudConnect TGW resource share created', 'cloudconnect'],
  [23, 'CloudConnect TGW available', 'cloudconnect'],
  [24, 'CloudConnect VPN breakout available', 'cloudconnect'],
  [25, 'CloudConnect TGW breakout terminated', 'cloudconnect'],
  [26, 'CloudConnect VPN breakout terminated', 'cloudconnect'],
  [27, 'CloudConnect connection state changed', 'cloudconnect'],
  [28, 'OpenVPN connect', 'vpn'],
  [29, 'OpenVPN disconnect', 'vpn'],
  [30, 'OpenVPN authentication', 'vpn'],
  [31, 'Organisation updated', 'organisation'],
  [32, 'Billing configuration updated', 'organisation'],
  [33, 'Platform package updated', 'organisation'],
  [34, 'Data plan updated', 'organisation'],
  [35, 'Payment', 'organisation'],
  [36, 'User invited', 'user'],
  [37, 'Password reset requested', 'user'],
  [38, 'Order submitted', 'organisation'],
  [39, 'Order updated', 'organisation'],
  [40, 'User verification requested', 'user'],
  [41, 'User verified', 'user'],
  [42, 'Endpoint enabled', 'device'],
  [43, 'Endpoint disabled', 'device'],
  [44, 'SIM issued', 'device'],
  [45, 'SIM factory test', 'device'],
  [46, 'User deleted', 'user'],
  [47, 'User federation activated', 'user'],
  [48, 'SIM registration', 'device'],
  [49, 'Device offline', 'device'],
  [50, 'SIM released', 'device'],
  [51, 'SIM assigned', 'device'],
  [52, 'Data quota enabled', 'quota'],
  [53, 'Data quota disabled', 'quota'],
  [54, 'SMS quota enabled', 'quota'],
  [55, 'SMS quota disabled', 'quota'],
  [56, 'Data quota assigned', 'quota'],
  [57, 'Data quota deleted', 'quota'],
  [58, 'SMS quota assigned', 'quota'],
  [59, 'SMS quota deleted', 'quota'],
  [60, 'Data quota expired', 'quota'],
  [61, 'SMS quota expired', 'quota'],
  [62, 'Default inclusive volume updated', 'quota'],
  [63, 'Monthly order limit threshold reached', 'organisation'],
  [64, 'Monthly order limit reached', 'organisation'],
  [65, 'Endpoint data traffic limit warning', 'quota'],
  [67, 'User switched workspaces', 'user'],
  [68, 'Reset connectivity', 'device'],
  [69, 'SIM migration', 'device'],
];

const BY_ID = new Map<number, EventTypeInfo>(
  TYPES.map(([id, label, category]) => [id, { id, label, category }]),
);

/** Every documented emnify event type, in id order. */
export const EVENT_TYPES: readonly EventTypeInfo[] = [...BY_ID.values()];

export const USER_VERIFIED = 41;
export const USER_DELETED = 46;

/**
 * Looks a type up by id. An unknown (future) id gets a generic entry named after the
 * description the event itself carries, so it is still shown readably.
 */
export function eventTypeInfo(id: number, description?: string | null): EventTypeInfo {
  const known = BY_ID.get(id);
  if (known) return known;
  const label = description?.trim() ? description.trim() : `Event type ${id}`;
  return { id, label, category: 'generic' };
}

export function isKnownEventType(id: number): boolean {
  return BY_ID.has(id);
}

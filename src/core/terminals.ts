// Terminal health from /iclock/api/terminals/: a terminal that has not contacted BioTime for a while still holds
// its punches, which will arrive late (they are not lost: the id cursor picks them up when they arrive).
import type { TerminalHealth } from '../shared/model';
import type { TerminalInfo } from './types';
import { naiveToInstant } from './time';

export function terminalHealth(t: TerminalInfo, zone: string, now: Date, offlineAfterMinutes: number): TerminalHealth {
  const seen = t.lastActivity ? naiveToInstant(t.lastActivity, zone) : undefined;
  const offline = !seen || !seen.ok || now.getTime() - seen.instant.getTime() > offlineAfterMinutes * 60_000;
  return {
    sn: t.sn,
    alias: t.alias,
    area: t.area,
    lastActivity: t.lastActivity,
    userCount: t.userCount,
    transactionCount: t.transactionCount,
    offline,
  };
}

/** "3 h", "2 d", "12 min": how long ago, for operator messages. */
export function ago(ms: number): string {
  const min = Math.max(0, Math.round(ms / 60_000));
  if (min < 120) return `${min} min`;
  const h = Math.round(min / 60);
  return h < 48 ? `${h} h` : `${Math.round(h / 24)} d`;
}

// The contextValue grammar (style rule 8): a base value per node kind plus `+flag`s, matched in package.json menus
// with `viewItem =~ /^bioSync\.run\b.*\+failed\b/`. vscode-free and unit-tested.

export const ContextBase = {
  device: 'bioSync.device',
  run: 'bioSync.run',
  failedGroup: 'bioSync.failedGroup',
  failedPunch: 'bioSync.failedPunch',
  status: 'bioSync.status',
  site: 'bioSync.site',
  quietRuns: 'bioSync.quietRuns',
} as const;

export type ContextBase = (typeof ContextBase)[keyof typeof ContextBase];

/** Flags each node kind may carry. */
export type ContextFlag =
  | 'enabled'
  | 'disabled'
  | 'running'
  | 'error'
  | 'failed'
  | 'retryable'
  | 'unknownEmployee'
  | 'employee'
  | 'dryRun'
  | 'rerun'
  | 'runnerHere'
  | 'notRunnerHere'
  | 'removed'
  | 'attention';

/** `contextValue('bioSync.run', { failed: true, running: false })` → `bioSync.run+failed`. Flags keep a stable order. */
export function contextValue(base: ContextBase, flags: Partial<Record<ContextFlag, boolean>> = {}): string {
  const on = (Object.keys(flags) as ContextFlag[]).filter((f) => flags[f]).sort();
  return [base, ...on].join('+');
}

export function parseContextValue(value: string): { base: string; flags: Set<string> } {
  const [base, ...flags] = value.split('+');
  return { base, flags: new Set(flags) };
}

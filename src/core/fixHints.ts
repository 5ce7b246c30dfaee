// The "what to do" part of messages that name a way to fix something, in one place so every message names a way
// that exists in the host the operator is using. The CLI names its environment variables and commands, the
// extension its palette commands (titles exactly as in package.json contributes.commands; a unit test checks).
// A host sets itself once at start (`setHintHost`); until then both ways are named, which is true in either host.
// A state directory belongs to one host (the CLI's --state-dir, the extension's global storage), so a message
// recorded in a run is read back in the host that wrote it.

export type HintHost = 'cli' | 'vscode' | 'both';

let host: HintHost = 'both';

export function setHintHost(h: HintHost): void {
  host = h;
}

export function hintHost(): HintHost {
  return host;
}

/** The id as the CLI spells it in environment variable names (BIOTIME_PASSWORD_<DEVICE>, FRAPPE_API_KEY_<SITE>). */
export function envId(id: string): string {
  return id.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** Palette titles named by messages; each must be a contributed command title (checked by a unit test). */
export const PALETTE = {
  setBioTimePassword: 'BioTime Sync: Set BioTime Password…',
  setFrappeApiKey: 'BioTime Sync: Set Frappe API Key…',
} as const;

function pick(cli: string, vscode: string): string {
  return host === 'cli' ? cli : host === 'vscode' ? vscode : `CLI: ${cli}. VS Code: ${vscode}`;
}

/** How to set (or set again) the BioTime password of a device. */
export function setBioTimePasswordHint(deviceId: string): string {
  return pick(
    `set BIOTIME_PASSWORD_${envId(deviceId)} (or BIOTIME_PASSWORD) in the environment`,
    `run "${PALETTE.setBioTimePassword}"`,
  );
}

/** How to set (or set again) the Frappe API key and secret of a site. */
export function setFrappeApiKeyHint(siteId: string): string {
  const id = envId(siteId);
  return pick(
    `set FRAPPE_API_KEY_${id} and FRAPPE_API_SECRET_${id} (or FRAPPE_API_KEY and FRAPPE_API_SECRET) in the environment`,
    `run "${PALETTE.setFrappeApiKey}"`,
  );
}

/** How to make the next run read every transaction of a device again. */
export function resetCursorHint(deviceId: string): string {
  // The extension has no command for this yet: the engine's resetCursor() exists, the palette command does not.
  const cli = `run \`biotime-sync reset-cursor --device ${deviceId}\` (with the same --config and --state-dir)`;
  return host === 'vscode'
    ? `the extension cannot reset a cursor yet; ${cli.replace(/^run/, 'the CLI can:')} against the extension's state directory`
    : cli;
}

// What a command receives from a tree node (or a test, or a webview): a small plain reference. Commands never
// depend on node classes. vscode-free.
import type { RunSummary } from '../../shared/model';
import type { FailedPunchView } from './treeModel';

export type NodeRef =
  | { kind: 'device'; deviceId: string }
  | { kind: 'run'; deviceId: string; runId: string; run?: RunSummary }
  | { kind: 'failedGroup'; deviceId: string }
  | { kind: 'failedPunch'; deviceId: string; punch: FailedPunchView };

/** Accepts a node (anything with `ref`), a NodeRef, a device id string, or `{ deviceId }`. */
export function refOf(arg: unknown): NodeRef | undefined {
  if (typeof arg === 'string' && arg) return { kind: 'device', deviceId: arg };
  if (!arg || typeof arg !== 'object') return undefined;
  const withRef = (arg as { ref?: unknown }).ref;
  if (withRef && typeof withRef === 'object') return refOf(withRef);
  const o = arg as Record<string, unknown>;
  if (typeof o.deviceId !== 'string') return undefined;
  switch (o.kind) {
    case 'run':
      return typeof o.runId === 'string' ? (o as NodeRef) : undefined;
    case 'failedPunch':
      return o.punch && typeof o.punch === 'object' ? (o as NodeRef) : undefined;
    case 'failedGroup':
      return { kind: 'failedGroup', deviceId: o.deviceId };
    default:
      return { kind: 'device', deviceId: o.deviceId };
  }
}

export function deviceIdOf(arg: unknown): string | undefined {
  return refOf(arg)?.deviceId;
}

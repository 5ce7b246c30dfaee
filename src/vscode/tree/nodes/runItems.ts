import type { RunSummary } from '../../../shared/model';
import { foldQuietRuns } from '../runGroups';
import { QuietRunsNode } from './quietRunsNode';
import { RunNode } from './runNode';
import type { TreeContext, TreeNode } from './treeNode';

/** Runs (newest first) as tree nodes, stretches of quiet runs folded into one node. */
export function runItems(runs: readonly RunSummary[], ctx: TreeContext, showDevice: boolean, parent?: TreeNode) {
  return foldQuietRuns(runs).map((i) =>
    i.kind === 'run' ? new RunNode(i.run, ctx, showDevice, parent) : new QuietRunsNode(i.runs, ctx, showDevice, parent),
  );
}

// The "collect" panel: the AWS CLI commands that produce the validator's
// input for one VPC. The commands and the VPC id rule come from core
// (collectCommands in the wasm module); this file only picks what to show
// while the box is empty or holds something that is not a VPC id.
import { collectCommands as commandsFromCore } from './pkg/netready_web.js';

const EXAMPLE_VPC = 'vpc-0123456789abcdef0';
const DEFAULT_REGION = 'us-east-1';

/** Returns { commands, error } for a VPC id and a region (either may be empty). */
export function collectCommands(vpcInput, regionInput) {
  const vpc = vpcInput || EXAMPLE_VPC;
  const region = regionInput || DEFAULT_REGION;
  try {
    return { commands: commandsFromCore(vpc, region), error: '' };
  } catch (e) {
    if (e.field === 'region') return collectCommands(vpcInput, DEFAULT_REGION);
    // Not a VPC id: show the example's commands, never the text typed.
    return { commands: commandsFromCore(EXAMPLE_VPC, region), error: e.message };
  }
}

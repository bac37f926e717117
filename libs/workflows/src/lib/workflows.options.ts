export interface WorkflowsModuleOptions {
  /** Provision the Attio workspace at start-up. Default: in sandbox mode only. */
  provisionOnStart?: boolean;
}

export const WORKFLOWS_OPTIONS = Symbol('WORKFLOWS_OPTIONS');

export interface WorkflowsModuleOptions {
  /**
   * Provision the Attio workspace at start-up. Default: in sandbox mode only; apps/api turns it off for
   * APP_ROLE worker (see AppModule).
   */
  provisionOnStart?: boolean;
  /**
   * This process runs jobs (default true; APP_ROLE web sets false). Only what belongs to the processes that
   * run jobs looks at it: the first settlement-poll job is queued at start-up where jobs run.
   */
  workers?: boolean;
  /** Serve the workflows' admin routes (default true; APP_ROLE worker sets false: health and metrics only). */
  http?: boolean;
}

export const WORKFLOWS_OPTIONS = Symbol('WORKFLOWS_OPTIONS');

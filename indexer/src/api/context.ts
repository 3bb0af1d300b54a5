/** What every resolver receives: read queries, the engagement service, the attention model. */

import type { AttentionService } from "../attention/interface.ts";
import type { Deployment } from "../config.ts";
import type { LogExport } from "../engagement/export.ts";
import type { EngagementService } from "../engagement/submit.ts";
import type { EpochPreviewer } from "../settlement/preview.ts";
import type { Queries } from "../store/queries.ts";

export interface ApiContext {
  queries: Queries;
  engagement: EngagementService;
  attention: AttentionService;
  chainId: number;
  deployment: Deployment;
  /** Chain-consistent unix seconds: the later of wall clock and the latest indexed block. */
  now: () => number;
  /**
   * Chain time as the next transaction will see it: the latest indexed block's timestamp plus the
   * wall time since it was seen (`createProjectedChainTime`; 0 before any block).
   */
  chainTime: () => number;
  exportLog: (fromSeq: number, toSeq: number) => LogExport | Promise<LogExport>;
  /** The HTTP client's address (set by the HTTP entry), for intake quotas; absent in-process. */
  clientAddress?: string;
  /** The unsettled epoch computed as the settler would now; absent without a chain client. */
  pending?: EpochPreviewer;
  /** Seconds between settlements (the settler's interval); default: the deployment's epoch length. */
  epochSeconds?: number;
}

/**
 * The local stack's gateway process: the gateway's own `main`, with the local edge in
 * front serving `/ws` and `/@connections` as API Gateway does in the cloud. Its
 * variables (README, "Configuration") are read here, so the gateway knows none of them.
 */
import { runGateway } from '@playground/gateway';
import { LIMITS } from '@playground/shared';
import { readInt } from '@playground/shared/config';
import { localEdgeFor } from './local-edge.ts';

runGateway((env) => localEdgeFor({
  ...(env.LOCAL_EDGE_ACCESS_KEY_ID ? { accessKeyId: env.LOCAL_EDGE_ACCESS_KEY_ID } : {}),
  ...(env.IDLE_TIMEOUT_MS ? { idleTimeoutMs: readInt(env, 'IDLE_TIMEOUT_MS', LIMITS.idleTimeoutMs, 1000, 7_200_000) } : {}),
}));

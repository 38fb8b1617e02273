export { startLocalStack, PortInUseError, DEFAULT_WEB_ROOT, CROWD_FROM_ONE_ADDRESS, type LocalStack, type LocalStackOptions } from './stack.ts';
export { startEmulators, type Emulators } from './emulators.ts';
export { provision } from './provision.ts';
export { localEdgeFor, type LocalEdgeOptions } from './local-edge.ts';
export { Autoscaler, AUTOSCALE_DEFAULTS, type AutoscaleOptions, type AutoscaleEvent, type Fleet, type RecordedDecision } from './autoscaler.ts';

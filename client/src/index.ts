/**
 * `@playground/client`: the playground's WebSocket protocol for browsers, Node 22+ and
 * tests. `connect(url)` for the async API; `Connection` for callbacks (the web app).
 */
export { connect, Playground, type ConnectOptions } from './playground.ts';
export { Execution, RunError } from './execution.ts';
export {
  Connection,
  RequestError,
  type ClientOptions,
  type ConnectionState,
  type RunHandle,
  type RunHandlers,
  type RunRequest,
  type Snippet,
} from './connection.ts';
export { socketFactory, type SocketFactory, type SocketLike, type WebSocketConstructor } from './socket.ts';
export { exitCodeFor, EXIT_CODES } from './exit-codes.ts';
export { decodeFrame } from './messages.ts';
export type * from './messages.ts';

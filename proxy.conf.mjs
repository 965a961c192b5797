// The console dev server's proxy (`ng serve`, angular.json): /api, HTTP and WebSocket, to call
// control at CALL_CONTROL_URL (`npm start` sets it from PORT; default http://127.0.0.1:3000).
//
// A WebSocket through the proxy has two TCP connections, browser to dev server and dev server
// to call control. Closing a tab, or call control dropping a dead session, ends them abruptly
// (read ECONNRESET, write EPIPE), and the dev server would print a "ws proxy error" stack for
// each. Those are ordinary hang-ups: the proxy closes the other side as it does anyway and says
// nothing. Every other error (call control not running: ECONNREFUSED; plain HTTP requests) is
// still reported as before.

/** Error codes of a connection the other side dropped: a hang-up, not a fault. */
export const HANG_UP_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

const isHangUp = (error) => HANG_UP_CODES.has(error?.code);

/**
 * Vite (under `ng serve`) adds its own logging listeners right after calling `configure`: for
 * the proxy's "error" event and, per WebSocket, for the browser socket's "error" event. Both are
 * wrapped here, once they exist, so that hang-ups skip them.
 */
export function quietWebSocketHangUps(proxy) {
  const wrapLaterListeners = (emitter, event, isQuiet) => {
    const before = new Set(emitter.listeners(event));
    // Listeners are added synchronously after this call; errors only arrive on a later turn.
    queueMicrotask(() => {
      for (const listener of emitter.listeners(event)) {
        if (before.has(listener)) continue;
        emitter.off(event, listener);
        emitter.on(event, function (...args) {
          if (!isQuiet(...args)) return listener.apply(this, args);
        });
      }
    });
  };
  // The dev server to call control leg: http-proxy ends the browser's socket itself.
  // (A WebSocket error has a socket where an HTTP error has a response, which carries `req`.)
  wrapLaterListeners(proxy, 'error', (error, _req, res) => isHangUp(error) && !('req' in res));
  proxy.on('proxyReqWs', (_proxyReq, _req, socket) => {
    // The browser to dev server leg: http-proxy ends the call control side itself.
    wrapLaterListeners(socket, 'error', isHangUp);
  });
}

export default {
  '/api': {
    target: process.env.CALL_CONTROL_URL || 'http://127.0.0.1:3000',
    secure: false,
    ws: true,
    changeOrigin: false,
    configure: quietWebSocketHangUps,
  },
};

/**
 * The scan worker: decodes frames off the UI thread, one message at a time (the panel keeps one
 * frame in flight, so there is never a queue here). The decoder loads once, as the worker starts.
 */
import { loadEngine, type ScanEngine } from './engine';
import { meanLuminance } from './light';
import { isDecodeRequest, type WorkerReply } from './protocol';

// tsconfig.web has the DOM lib: describe the worker scope's two members used here.
const scope = self as unknown as {
  onmessage: ((event: MessageEvent) => void) | null;
  postMessage(message: WorkerReply): void;
};

// Start compiling the decoder at once: the panel opens the camera meanwhile, so the first frame
// doesn't wait for it. A failure here is reported by the first decode (which retries the load).
let engine: Promise<ScanEngine> | null = loadEngine();
engine.catch(() => undefined);

scope.onmessage = (event) => {
  const request: unknown = event.data;
  if (!isDecodeRequest(request)) return;
  void (async () => {
    const started = performance.now();
    try {
      const frame = { data: new Uint8ClampedArray(request.buffer), width: request.width, height: request.height };
      const luminance = frame.data.length === frame.width * frame.height * 4 && frame.width > 0 ? meanLuminance(frame.data, frame.width, frame.height) : 0;
      engine ??= loadEngine();
      const text = await (await engine).decode(frame, request.mode);
      scope.postMessage({ type: 'result', id: request.id, text, luminance, ms: performance.now() - started });
    } catch (error) {
      // A failed engine load is retried on the next frame rather than cached as broken.
      if (!(error instanceof RangeError) && !(error instanceof TypeError)) engine = null;
      scope.postMessage({ type: 'error', id: request.id, message: error instanceof Error ? error.message : String(error) });
    }
  })();
};

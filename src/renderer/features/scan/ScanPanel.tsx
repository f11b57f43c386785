import { useCallback, useEffect, useRef, useState, useSyncExternalStore, type DragEvent } from 'react';
import { Dialog } from '../../app/Dialog';
import { Spinner } from '../../components/Spinner';
import { useT, type MessageKey } from '../../i18n';
import { browserStorage, storageKeys } from '../../lib/storage';
import { CameraController, type CameraSnapshot } from './camera';
import type { CameraProblem } from './camera-state';
import { centreCrop, viewfinderBox } from './geometry';
import { firstImage, IMAGE_MAX_BYTES, ImageReadError, imageFileProblem, rgbaOfImage, type ImageProblem } from './image-source';
import { ScanWorkerClient, ScanWorkerError, createScanWorker } from './worker-client';
import './scan.css';

export type ScanHow = 'camera' | 'image' | 'paste';
export interface ScanPanelProps {
  /**
   * Called once per code: 'camera' (read from the camera), 'image' (a chosen, dropped or pasted
   * picture of a code), 'paste' (pasted text, e.g. a link). The panel stays open: unmount it to close.
   */
  onText(text: string, how: ScanHow): void;
  /** Esc, the close button and a click outside. */
  onClose(): void;
}

const problemKeys: Record<CameraProblem, { title: MessageKey; body: MessageKey }> = {
  'no-camera': { title: 'scan.problem.noCamera.title', body: 'scan.problem.noCamera.body' },
  denied: { title: 'scan.problem.denied.title', body: 'scan.problem.denied.body' },
  'in-use': { title: 'scan.problem.inUse.title', body: 'scan.problem.inUse.body' },
  unsupported: { title: 'scan.problem.unsupported.title', body: 'scan.problem.unsupported.body' },
  failed: { title: 'scan.problem.failed.title', body: 'scan.problem.failed.body' },
};

const IDLE: CameraSnapshot = { status: { kind: 'idle' }, cameras: [], cameraId: null, lowLight: false, videoSize: null, readerFailed: false };
const noSubscription = () => () => undefined;
const idleSnapshot = () => IDLE;

type ImageState =
  | { kind: 'none' }
  | { kind: 'reading'; url: string }
  | { kind: 'read'; url: string }
  | { kind: 'problem'; problem: ImageProblem; url: string | null; name: string; size: number }
  | { kind: 'paste-empty' };

/**
 * The scan screen: the camera with a viewfinder (decoding in a Web Worker, see camera.ts), and
 * the other ways to bring a code in — an image file (open dialog or drag-and-drop) and the
 * clipboard (Ctrl/Cmd+V: a screenshot, or a link as text).
 */
export function ScanPanel({ onText, onClose }: ScanPanelProps) {
  const { t } = useT();
  const videoRef = useRef<HTMLVideoElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const focusRef = useRef<HTMLButtonElement>(null);
  const clientRef = useRef<ScanWorkerClient | null>(null);
  const onTextRef = useRef(onText);
  useEffect(() => {
    onTextRef.current = onText;
  });
  const [controller, setController] = useState<CameraController | null>(null);
  const [found, setFound] = useState(false);
  const [image, setImage] = useState<ImageState>({ kind: 'none' });
  const [dragDepth, setDragDepth] = useState(0);
  const snapshot = useSyncExternalStore(controller?.subscribe ?? noSubscription, controller?.getSnapshot ?? idleSnapshot);

  // One worker and one camera controller per open panel; both end with it.
  useEffect(() => {
    const client = new ScanWorkerClient(createScanWorker);
    clientRef.current = client;
    const camera = new CameraController({
      mediaDevices: typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined,
      storage: browserStorage(),
      storageKey: storageKeys.scanCamera,
      decoder: client,
      onCode: (text) => {
        setFound(true);
        onTextRef.current(text, 'camera');
      },
    });
    camera.attach(videoRef.current);
    setController(camera);
    void camera.start();
    if (document.hidden) camera.pause();
    const onVisibility = () => (document.hidden ? camera.pause() : camera.resume());
    const onDevices = () => void camera.devicesChanged();
    document.addEventListener('visibilitychange', onVisibility);
    navigator.mediaDevices?.addEventListener?.('devicechange', onDevices);
    return () => {
      document.removeEventListener('visibilitychange', onVisibility);
      navigator.mediaDevices?.removeEventListener?.('devicechange', onDevices);
      camera.dispose();
      client.dispose();
      clientRef.current = null;
    };
  }, []);

  // The dialog focuses its first control; the main action here is the image button (the camera needs none).
  useEffect(() => {
    focusRef.current?.focus();
  }, []);

  // The object URL of the shown image is freed when it is replaced or the panel closes.
  const imageUrl = image.kind === 'reading' || image.kind === 'read' ? image.url : image.kind === 'problem' ? image.url : null;
  useEffect(() => {
    if (!imageUrl) return;
    return () => URL.revokeObjectURL(imageUrl);
  }, [imageUrl]);

  // Only the latest image counts: one dropped while another is being read replaces it.
  const imageSeq = useRef(0);
  const scanImage = useCallback(async (blob: Blob, name: string) => {
    const seq = ++imageSeq.current;
    const problem = imageFileProblem(blob);
    if (problem) {
      setImage({ kind: 'problem', problem, url: null, name, size: blob.size });
      return;
    }
    const url = URL.createObjectURL(blob);
    setImage({ kind: 'reading', url });
    let text: string | null;
    try {
      const client = clientRef.current;
      if (!client) return;
      const frame = await rgbaOfImage(blob);
      text = (await client.decode(frame, 'image')).text;
    } catch (error) {
      if (seq !== imageSeq.current) return;
      setImage({ kind: 'problem', problem: imageErrorProblem(error), url, name, size: blob.size });
      return;
    }
    if (seq !== imageSeq.current) return;
    if (text === null) {
      setImage({ kind: 'problem', problem: 'no-code', url, name, size: blob.size });
      return;
    }
    setImage({ kind: 'read', url });
    setFound(true);
    onTextRef.current(text, 'image');
  }, []);

  // Ctrl/Cmd+V anywhere in the panel: a screenshot is scanned, text (a link) is handed over as is.
  useEffect(() => {
    const onPaste = (event: ClipboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target && (target.isContentEditable || target.tagName === 'INPUT' || target.tagName === 'TEXTAREA')) return;
      const data = event.clipboardData;
      if (!data) return;
      event.preventDefault();
      const files: File[] = [...data.files];
      if (files.length === 0) for (const item of data.items) if (item.kind === 'file') files.push(...[item.getAsFile()].filter((f): f is File => f !== null));
      const picture = firstImage(files.filter((f) => f.type.startsWith('image/')));
      if (picture) {
        void scanImage(picture, picture.name);
        return;
      }
      const text = data.getData('text/plain').trim();
      if (text) {
        imageSeq.current++;
        setImage({ kind: 'none' });
        setFound(true);
        onTextRef.current(text, 'paste');
        return;
      }
      setImage({ kind: 'paste-empty' });
    };
    document.addEventListener('paste', onPaste);
    return () => document.removeEventListener('paste', onPaste);
  }, [scanImage]);

  const onFiles = (files: FileList | null) => {
    const file = files ? firstImage([...files]) : null;
    if (file) void scanImage(file, file.name);
  };

  // A dropped file is scanned; a dropped link (dragged from a browser or a chat) is passed on like a pasted one.
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragDepth(0);
    if (event.dataTransfer.files.length > 0) {
      onFiles(event.dataTransfer.files);
      return;
    }
    const text = (event.dataTransfer.getData('text/uri-list').split(/\r?\n/).find((l) => l && !l.startsWith('#')) ?? event.dataTransfer.getData('text/plain')).trim();
    if (text) {
      imageSeq.current++;
      setImage({ kind: 'none' });
      setFound(true);
      onTextRef.current(text, 'paste');
    }
  };
  const acceptsDrop = (event: DragEvent) => ['Files', 'text/uri-list', 'text/plain'].some((t) => event.dataTransfer.types.includes(t));

  const status = snapshot.status;
  const problem = status.kind === 'problem' ? status.problem : null;
  const crop = snapshot.videoSize ? centreCrop(snapshot.videoSize.width, snapshot.videoSize.height) : null;
  const box = crop && snapshot.videoSize ? viewfinderBox(crop, snapshot.videoSize.width, snapshot.videoSize.height) : null;
  const aspect = snapshot.videoSize ? `${snapshot.videoSize.width} / ${snapshot.videoSize.height}` : '16 / 9';
  const pasteKeys = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent) ? '⌘V' : 'Ctrl+V';
  const namedCameras = snapshot.cameras.filter((c) => c.deviceId !== '');

  let statusText: string;
  if (snapshot.readerFailed) statusText = t('scan.readerFailed');
  else if (found) statusText = t('scan.found');
  else if (status.kind === 'starting' || status.kind === 'idle') statusText = t('scan.starting');
  else if (status.kind === 'paused') statusText = t('scan.paused');
  else if (status.kind === 'scanning') statusText = t('scan.aim');
  else statusText = '';

  return (
    <Dialog title={t('scan.title')} onClose={onClose} size="medium" testId="scan-panel">
      <div
        className={`scan${dragDepth > 0 ? ' scan-dragging' : ''}`}
        data-camera-status={status.kind}
        data-camera-problem={problem ?? undefined}
        onDragEnter={(e) => {
          if (!acceptsDrop(e)) return;
          e.preventDefault();
          setDragDepth((d) => d + 1);
        }}
        onDragOver={(e) => {
          if (!acceptsDrop(e)) return;
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
        }}
        onDragLeave={() => setDragDepth((d) => Math.max(0, d - 1))}
        onDrop={onDrop}
      >
        <div className={`scan-camera${problem || status.kind === 'paused' ? ' scan-camera-message' : ''}`} style={{ aspectRatio: aspect }}>
          <video ref={videoRef} className="scan-video" muted playsInline aria-label={t('scan.video')} data-testid="scan-video" />
          {status.kind === 'scanning' && box ? (
            <div
              className="scan-finder"
              aria-hidden="true"
              style={{ left: `${box.left}%`, top: `${box.top}%`, width: `${box.width}%`, height: `${box.height}%` }}
            />
          ) : null}
          {status.kind === 'starting' || status.kind === 'idle' ? (
            <div className="scan-overlay">
              <Spinner size="large" />
            </div>
          ) : null}
          {status.kind === 'paused' ? <div className="scan-overlay scan-overlay-text">{t('scan.paused')}</div> : null}
          {problem ? (
            <div className="scan-overlay scan-problem" role="alert" data-testid="scan-problem" data-problem={problem}>
              <h3 className="scan-problem-title">{t(problemKeys[problem].title)}</h3>
              <p className="scan-problem-body">{t(problemKeys[problem].body)}</p>
              {problem !== 'unsupported' ? (
                <button type="button" className="button" onClick={() => void controller?.start()} data-testid="scan-retry">
                  {t('scan.retry')}
                </button>
              ) : null}
            </div>
          ) : null}
          {snapshot.lowLight && status.kind === 'scanning' ? (
            <p className="scan-lowlight" role="status" data-testid="scan-low-light">
              {t('scan.lowLight')}
            </p>
          ) : null}
        </div>

        <div className="scan-bar">
          <p className={`scan-status${snapshot.readerFailed ? ' inline-error' : ''}`} role="status" aria-live="polite" data-testid="scan-status">
            {statusText}
          </p>
          {namedCameras.length > 0 ? (
            <label className="scan-camera-choice">
              <span>{t('scan.camera')}</span>
              <select
                value={snapshot.cameraId ?? ''}
                onChange={(e) => void controller?.selectCamera(e.target.value)}
                data-testid="scan-camera-select"
              >
                {snapshot.cameraId && !namedCameras.some((c) => c.deviceId === snapshot.cameraId) ? <option value={snapshot.cameraId}>{t('scan.cameraDefault')}</option> : null}
                {!snapshot.cameraId ? <option value="">{t('scan.cameraDefault')}</option> : null}
                {namedCameras.map((c, i) => (
                  <option key={c.deviceId} value={c.deviceId}>
                    {c.label || t('scan.cameraUnnamed', { number: i + 1 })}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
        </div>

        <div className="scan-alt">
          <button ref={focusRef} type="button" className="button" onClick={() => fileRef.current?.click()} data-testid="scan-choose-image">
            {t('scan.chooseImage')}
          </button>
          <input
            ref={fileRef}
            type="file"
            accept="image/*"
            hidden
            data-testid="scan-file"
            onChange={(e) => {
              onFiles(e.target.files);
              e.target.value = ''; // the same file again is a new choice
            }}
          />
          <p className="scan-alt-hint muted">{t('scan.altHint', { keys: pasteKeys })}</p>
        </div>

        <ImageResult image={image} />

        {dragDepth > 0 ? (
          <div className="scan-drop" aria-hidden="true">
            {t('scan.dropHere')}
          </div>
        ) : null}
      </div>
    </Dialog>
  );
}

/** Why reading an image failed: the file, or the reader (a decoder refusal means the pixels were unusable). */
function imageErrorProblem(error: unknown): ImageProblem {
  if (error instanceof ImageReadError) return 'unreadable';
  if (error instanceof ScanWorkerError && error.kind !== 'decoder') return 'reader';
  return 'unreadable';
}

function ImageResult({ image }: { image: ImageState }) {
  const { t } = useT();
  if (image.kind === 'none') return null;
  if (image.kind === 'paste-empty') {
    return (
      <p className="scan-image-note" role="alert" data-testid="scan-image-problem" data-problem="paste-empty">
        {t('scan.paste.empty')}
      </p>
    );
  }
  const url = image.url;
  return (
    <div className="scan-image" data-testid="scan-image" data-state={image.kind}>
      {url ? <img className="scan-image-thumb" src={url} alt={t('scan.imageAlt')} /> : null}
      <div className="scan-image-text">
        {image.kind === 'reading' ? (
          <p role="status">
            <Spinner /> {t('scan.reading')}
          </p>
        ) : null}
        {image.kind === 'read' ? <p role="status">{t('scan.found')}</p> : null}
        {image.kind === 'problem' ? <ImageProblemText image={image} /> : null}
      </div>
    </div>
  );
}

function ImageProblemText({ image }: { image: Extract<ImageState, { kind: 'problem' }> }) {
  const { t } = useT();
  const mb = (bytes: number) => Math.round((bytes / (1024 * 1024)) * 10) / 10;
  return (
    <div role="alert" data-testid="scan-image-problem" data-problem={image.problem}>
      {image.problem === 'no-code' ? (
        <>
          <p className="scan-image-title">{t('scan.image.noCode.title')}</p>
          <p className="muted">{t('scan.image.noCode.body')}</p>
        </>
      ) : null}
      {image.problem === 'not-image' ? <p>{t('scan.image.notImage', { name: image.name })}</p> : null}
      {image.problem === 'too-large' ? <p>{t('scan.image.tooLarge', { size: mb(image.size), max: mb(IMAGE_MAX_BYTES) })}</p> : null}
      {image.problem === 'unreadable' ? <p>{t('scan.image.unreadable')}</p> : null}
      {image.problem === 'reader' ? <p className="inline-error">{t('scan.readerFailed')}</p> : null}
    </div>
  );
}

/**
 * The scan screen (issue 6, point 5). Mount `<ScanPanel onText={(text, how) => …} onClose={…} />`
 * while scanning; it renders its own modal dialog, turns the camera on while mounted (off when the
 * window is hidden) and calls onText once per code: 'camera', 'image' (a chosen, dropped or pasted
 * picture of a code) or 'paste' (pasted text such as a link — passed on as is, untrusted).
 */
export { ScanPanel, type ScanHow, type ScanPanelProps } from './ScanPanel';

/** Per-node overlays: the rendering half (see docs/overlays.md; the delivery half is src/boot/overlays/). */
export type { OverlayEntry, OverlayRenderer, RenderedOverlay } from './rendered.js';
export { createOverlayRenderer, type OverlayDescription, type OverlayFileInfo, type OverlayService, type OverlayServiceOptions, type OverlaySummary } from './overlay-service.js';
export { overlayNamesGuard, overlayRenderGuard } from './overlay-guard.js';
export { DEFAULT_OVERLAYS, type TemplateContext } from './context.js';
export { HOST_KEY_TYPES, fingerprintOf, knownHostsLine, type HostKey } from './ssh-host-keys.js';
export { mode as modeText } from './overlay-service.js';
export { normaliseOverlayPath } from './overlay-paths.js';

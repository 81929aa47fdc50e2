export { addPngText, readPngText } from "./png-text.ts";
export { animatedGif, gridPng, toPng, type RawImage } from "./encode.ts";
export { chartPng, type Panel, type Series } from "./chart.ts";

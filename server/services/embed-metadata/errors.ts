/** A file we will not write into: damaged, or of a kind not supported; nothing was changed. */
export class EmbedError extends Error {}

/** Makes the packet to write from the one the file already holds (undefined when it holds none). */
export type PacketFor = (existing: string | undefined) => string;

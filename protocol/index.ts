/**
 * What every part of AMP shares, browser-safe (the dApp imports it). Node-only
 * pieces are imported by file: `#protocol/deployment-file.ts`, `#protocol/deploy.ts`.
 */
export * from "./abi.ts";
export * from "./chain.ts";
export * from "./consent.ts";
export * from "./deployment.ts";
export * from "./errors.ts";
export * from "./media.ts";
export * from "./message-codec.ts";
export * from "./messages.ts";
export * from "./permit.ts";
export * from "./roles.ts";

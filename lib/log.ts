import pino from "pino";
import { logLevel } from "./env";
import { currentRequestId } from "./request-id";

/**
 * Structured logs (JSON lines). A line logged while serving a request carries its `requestId`
 * (lib/request-id.ts), with nothing passed around: the mixin reads it from AsyncLocalStorage,
 * and only for lines that are actually written, so the hot path pays nothing for it.
 */
const none = {};

export function createLogger(destination?: pino.DestinationStream): pino.Logger {
  const options: pino.LoggerOptions = {
    level: logLevel(),
    base: undefined,
    redact: [
      "password",
      "token",
      "*.password",
      "*.token",
      "headers.cookie",
      "headers.authorization",
    ],
    mixin() {
      const requestId = currentRequestId();
      return requestId ? { requestId } : none;
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export const log = createLogger();

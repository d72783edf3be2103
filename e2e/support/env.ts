/** Where the e2e shop runs and what it is backed by (names fixed per port, reset at every start). */
const port = Number(process.env.E2E_PORT ?? 3100);
export const e2e = {
  port,
  adminUrl: process.env.TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
  dbName: `stampede_e2e_${port}`,
  redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
  redisPrefix: `e2e${port}:`,
  /** The test's SMTP server (a mail catcher started by serve.ts) and, on the next port, its reader. */
  mailPort: Number(process.env.E2E_MAIL_PORT ?? port + 10),
};
export const mailReaderUrl = `http://127.0.0.1:${e2e.mailPort + 1}`;
/** Known to the tests so they can mint sessions for synthetic shoppers, as the herd tool does. */
export const e2eSecrets = {
  AUTH_SECRET: process.env.E2E_AUTH_SECRET ?? "e2e-auth-secret-0123456789abcdefghijklmnopqrstuv",
  TOKEN_SECRET: process.env.E2E_TOKEN_SECRET ?? "e2e-token-secret-0123456789abcdefghijklmnopqrstu",
  METRICS_TOKEN: "e2e-metrics-token-0123456789",
};
export const baseURL = `http://127.0.0.1:${e2e.port}`;
export const databaseUrl = () => {
  const url = new URL(e2e.adminUrl);
  url.pathname = `/${e2e.dbName}`;
  return url.toString();
};

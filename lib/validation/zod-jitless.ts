import { config } from "zod";

// The shop's CSP forbids eval, and zod probes for it (Function("")) unless told not to. Schemas
// that also run in the browser (the admin forms' live checks) import this before they are built.
config({ jitless: true });

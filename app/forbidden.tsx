import { ForbiddenPanel } from "@/components/admin/forbidden-panel";

/** Rendered with HTTP 403 wherever forbidden() is called (a shopper on a merchant page). */
export default function Forbidden() {
  return <ForbiddenPanel />;
}

import { shortAddress } from "../../lib/format.ts";
import { href } from "../../lib/router.ts";

function hue(address: string, offset: number): string {
  const n = Number.parseInt(address.slice(2 + offset, 8 + offset) || "0", 16);
  return `hsl(${n % 360} 70% 60%)`;
}

export function Avatar({ address, small }: { address: string; small?: boolean }) {
  return (
    <span
      className={small ? "avatar avatar-sm" : "avatar"}
      aria-hidden="true"
      style={{ "--a1": hue(address, 0), "--a2": hue(address, 6) } as React.CSSProperties}
    />
  );
}

export function AddressLink({ address, className }: { address: string; className?: string }) {
  return (
    <a className={className ?? "mono"} href={href({ name: "profile", address })} title={address}>
      {shortAddress(address)}
    </a>
  );
}

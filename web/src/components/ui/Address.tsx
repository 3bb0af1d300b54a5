import { useMediaUrl, useProfile } from "../../hooks/profiles.ts";
import { shortAddress } from "../../lib/format.ts";
import { href } from "../../lib/router.ts";

function hue(address: string, offset: number): string {
  const n = Number.parseInt(address.slice(2 + offset, 8 + offset) || "0", 16);
  return `hsl(${n % 360} 70% 60%)`;
}

/** The account's avatar image from its profile, or a gradient drawn from its address. */
export function Avatar({ address, small }: { address: string; small?: boolean }) {
  const profile = useProfile(address);
  const url = useMediaUrl();
  const className = small ? "avatar avatar-sm" : "avatar";
  const avatar = profile.data?.avatar;
  if (avatar) {
    return (
      <img
        className={`${className} avatar-img`}
        src={url(avatar.url)}
        alt=""
        aria-hidden="true"
        data-testid="avatar-image"
        loading="lazy"
      />
    );
  }
  return (
    <span
      className={className}
      aria-hidden="true"
      style={{ "--a1": hue(address, 0), "--a2": hue(address, 6) } as React.CSSProperties}
    />
  );
}

/**
 * An account as people know it: its display name when it signed a profile, else its short
 * address; a link to its profile page, which shows the full address (also in the title here).
 */
export function AccountName({ address, className }: { address: string; className?: string }) {
  const profile = useProfile(address);
  const name = profile.data?.name;
  const link = {
    href: href({ name: "profile", address }),
    title: address,
    "data-address": address.toLowerCase(),
  };
  if (!name) {
    return (
      <a className={className ?? "mono"} {...link} data-testid="account-name">
        {shortAddress(address)}
      </a>
    );
  }
  return (
    <span className="account-name">
      <a
        className={`${(className ?? "").replace(/\bmono\b/, "").trim()} display-name`.trim()}
        {...link}
        data-testid="account-name"
      >
        {name}
      </a>{" "}
      <span className="mono muted small account-handle">{shortAddress(address)}</span>
    </span>
  );
}

/** The account's display name, or its short address, as plain text (inside another link). */
export function AccountLabel({ address, className }: { address: string; className?: string }) {
  const profile = useProfile(address);
  const name = profile.data?.name;
  return name ? (
    <span className={`${className ?? ""} display-name`.trim()}>{name}</span>
  ) : (
    <span className={`${className ?? ""} mono`.trim()}>{shortAddress(address)}</span>
  );
}

/** Kept for the places that name an account by address: they show its profile name too. */
export const AddressLink = AccountName;

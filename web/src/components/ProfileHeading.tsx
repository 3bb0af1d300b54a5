import { useProfile } from "../hooks/profiles.ts";
import { Avatar } from "./ui/Address.tsx";

/** A profile page's heading: avatar, display name and bio, and the full address. */
export function ProfileHeading({ address }: { address: string }) {
  const profile = useProfile(address);
  const p = profile.data;
  return (
    <div className="row" style={{ alignItems: "flex-start", minWidth: 0 }}>
      <Avatar address={address} />
      <div className="stack" style={{ gap: 4, minWidth: 0 }}>
        {p?.name ? (
          <>
            <h1 style={{ fontSize: "1.25rem", margin: 0 }} data-testid="profile-name">
              {p.name}
            </h1>
            <span
              className="mono small muted"
              style={{ overflowWrap: "anywhere" }}
              data-testid="profile-address"
            >
              {address}
            </span>
          </>
        ) : (
          <h1
            className="mono"
            style={{ fontSize: "1rem", overflowWrap: "anywhere", margin: 0 }}
            data-testid="profile-address"
          >
            {address}
          </h1>
        )}
        {p?.bio && (
          <p className="profile-bio" data-testid="profile-bio">
            {p.bio}
          </p>
        )}
      </div>
    </div>
  );
}

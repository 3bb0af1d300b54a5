import { createContext, type ReactNode, useContext, useMemo, useState } from "react";
import type { Post } from "../lib/graphql/types.ts";
import { AmplifyDialog } from "./AmplifyDialog.tsx";

const OpenAmplify = createContext<((post: Post) => void) | null>(null);

/**
 * Holds the amplify dialog above the post lists, so that the refetch after a
 * campaign starts (which may reorder or relabel the post) cannot unmount it.
 */
export function AmplifyHost({ children }: { children: ReactNode }) {
  const [post, setPost] = useState<Post | null>(null);
  const open = useMemo(() => (p: Post) => setPost(p), []);
  return (
    <OpenAmplify.Provider value={open}>
      {children}
      {post && <AmplifyDialog post={post} onClose={() => setPost(null)} />}
    </OpenAmplify.Provider>
  );
}

/** Opens the amplify dialog for a post (a local dialog when no host is mounted, e.g. in tests). */
export function useOpenAmplify(): ((post: Post) => void) | null {
  return useContext(OpenAmplify);
}

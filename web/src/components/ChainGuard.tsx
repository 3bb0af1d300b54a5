import { useSwitchChain } from "wagmi";
import { useChainStatus, useResetOnWalletChange } from "../hooks/wallet.ts";
import { Button } from "./ui/Button.tsx";
import { ErrorAlert } from "./ui/States.tsx";

/**
 * A banner when the wallet is on another chain than the app's deployment,
 * with the switch (wagmi adds the chain to the wallet first when it answers
 * 4902, unknown chain). Actions that sign or send stay disabled meanwhile.
 */
export function ChainGuard() {
  const { wrongChain, expectedChainId } = useChainStatus();
  const switchChain = useSwitchChain();
  useResetOnWalletChange(switchChain.reset);
  if (!wrongChain) return null;
  return (
    <div className="container" style={{ paddingTop: 12 }}>
      <div className="alert alert-warn row-between" role="alert" data-testid="wrong-chain">
        <span>
          Your wallet is on another network. AMP runs on chain <strong>{expectedChainId}</strong>.
        </span>
        <Button
          size="sm"
          variant="primary"
          loading={switchChain.isPending}
          onClick={() => switchChain.mutate({ chainId: expectedChainId })}
          data-testid="switch-chain"
        >
          Switch network
        </Button>
      </div>
      <ErrorAlert error={switchChain.error} />
    </div>
  );
}

import {
  BaseError,
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  encodeErrorResult,
  InsufficientFundsError,
  parseAbi,
  UserRejectedRequestError,
} from "viem";
import { describe, expect, it } from "vitest";
import { describeError } from "./errors.ts";
import { GraphQLRequestError } from "./graphql/client.ts";

const abi = parseAbi([
  "function claim(address account, uint256 cumulativeAmount, bytes32[] proof)",
  "error AMPEscrowNothingToClaim(address account, uint256 cumulativeAmount, uint256 claimed)",
  "error AMPEscrowSomethingNew(uint256 x)",
]);

function revert(errorName: "AMPEscrowNothingToClaim" | "AMPEscrowSomethingNew", args: readonly unknown[]) {
  const data = encodeErrorResult({ abi, errorName, args } as never);
  const cause = new ContractFunctionRevertedError({ abi, data, functionName: "claim" });
  return new ContractFunctionExecutionError(cause, { abi, functionName: "claim", args: [] });
}

describe("describeError", () => {
  it("says the user rejected the request", () => {
    const error = new BaseError("wrapped", { cause: new UserRejectedRequestError(new Error("User denied")) });
    expect(describeError(error)).toEqual({
      title: "Cancelled",
      message: "You rejected the request in your wallet.",
    });
  });

  it("explains insufficient funds for gas", () => {
    const error = new BaseError("tx failed", { cause: new InsufficientFundsError() });
    expect(describeError(error).title).toBe("Insufficient funds");
  });

  it("names a known contract custom error in plain words", () => {
    const error = revert("AMPEscrowNothingToClaim", ["0x0000000000000000000000000000000000000001", 5n, 5n]);
    expect(describeError(error)).toEqual({
      title: "Transaction refused",
      message: "There is nothing left to claim.",
    });
  });

  it("turns an unknown custom error name into a sentence", () => {
    const error = revert("AMPEscrowSomethingNew", [1n]);
    expect(describeError(error).message).toBe("Something new.");
  });

  it("maps indexer error codes", () => {
    expect(describeError(new GraphQLRequestError("x", { code: "DELEGATION_EXPIRED" })).message).toMatch(
      /expired/,
    );
    expect(describeError(new GraphQLRequestError("raw message", { code: "WHATEVER" })).message).toBe(
      "raw message",
    );
  });

  it("falls back to the error message", () => {
    expect(describeError(new Error("boom"))).toEqual({ title: "Error", message: "boom" });
  });
});

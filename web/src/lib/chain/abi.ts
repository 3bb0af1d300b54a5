/**
 * The contract ABIs the app calls, from the generated `contracts/abi.ts`
 * (complete, so that custom errors decode by name).
 */
export { ampEscrowAbi, ampSocialAbi, ampTokenAbi } from "#protocol";

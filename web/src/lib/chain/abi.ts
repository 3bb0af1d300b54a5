import { parseAbi } from "viem";

/** Interim fragments of the contracts' ABIs (names per the spec). */
export const ampTokenAbi = parseAbi([
  "function balanceOf(address) view returns (uint256)",
  "function allowance(address owner, address spender) view returns (uint256)",
  "function approve(address spender, uint256 value) returns (bool)",
  "function nonces(address owner) view returns (uint256)",
  "function name() view returns (string)",
  "error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)",
  "error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)",
]);
export const ampSocialAbi = parseAbi([
  "function publish(uint256 communityId, string[] topics, string text, bytes32 contentHash, string uri) returns (uint256 postId)",
  "event PostPublished(uint256 indexed postId, uint256 indexed communityId, address indexed author, string[] topics, string text, bytes32 contentHash, string uri)",
]);
export const ampEscrowAbi = parseAbi([
  "function amplify(uint256 postId, uint256 amount, uint64 duration) returns (uint256 campaignId)",
  "function amplifyWithPermit(uint256 postId, uint256 amount, uint64 duration, uint256 deadline, uint8 v, bytes32 r, bytes32 s) returns (uint256 campaignId)",
  "function refund(uint256 campaignId)",
  "function claim(address account, uint256 cumulativeAmount, bytes32[] proof)",
  "function claimed(address account) view returns (uint256)",
  "event CampaignCreated(uint256 indexed campaignId, uint256 indexed postId, address indexed promoter, address payer, uint256 budget, uint64 expiresAt)",
  "event CampaignRefunded(uint256 indexed campaignId, address indexed promoter, uint256 amount)",
  "event Claimed(address indexed account, uint64 indexed epoch, uint256 amount, uint256 cumulativeAmount)",
]);

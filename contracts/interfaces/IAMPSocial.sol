// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Bounds read as the spec states them (<=), and the spec fixes the event signatures (amounts are not
// filtered on, so they stay unindexed).
/* solhint-disable gas-strict-inequalities, gas-indexed-events */

/// @title IAMPSocial
/// @notice Communities and posts. Every event carries all the data an indexer needs,
/// so indexing never reads storage. Ids start at 1.
interface IAMPSocial {
    /// @notice A community was created; `founder` manages its moderators (the seeds of its reputation).
    event CommunityCreated(uint256 indexed communityId, address indexed founder, string name, string description);

    /// @notice `account` became a moderator of `communityId`.
    event ModeratorAdded(uint256 indexed communityId, address indexed account);

    /// @notice `account` is no longer a moderator of `communityId`.
    event ModeratorRemoved(uint256 indexed communityId, address indexed account);

    /// @notice A post was published.
    event PostPublished(
        uint256 indexed postId,
        uint256 indexed communityId,
        address indexed author,
        string[] topics,
        string text,
        bytes32 contentHash,
        string uri
    );

    /// @notice Post `postId` replies to `parentId` (emitted right after the reply's `PostPublished`).
    event PostReplied(uint256 indexed postId, uint256 indexed parentId);

    /// @notice Post `postId` quotes `quotedId` (emitted right after the quote's `PostPublished`).
    event PostQuoted(uint256 indexed postId, uint256 indexed quotedId);

    /// @notice No post has id `postId`.
    error AMPSocialUnknownPost(uint256 postId);
    /// @notice No community has id `communityId`.
    error AMPSocialUnknownCommunity(uint256 communityId);
    /// @notice `caller` is not the founder of `communityId`.
    error AMPSocialNotFounder(uint256 communityId, address caller);
    /// @notice The community name must be 1..`max` bytes long.
    error AMPSocialInvalidName(uint256 length, uint256 max);
    /// @notice The description is longer than `max` bytes.
    error AMPSocialDescriptionTooLong(uint256 length, uint256 max);
    /// @notice The zero address cannot be a moderator.
    error AMPSocialInvalidModerator(address account);
    /// @notice `account` is already a moderator of `communityId`.
    error AMPSocialAlreadyModerator(uint256 communityId, address account);
    /// @notice `account` is not a moderator of `communityId`.
    error AMPSocialNotModerator(uint256 communityId, address account);
    /// @notice A post carries at most `max` topics.
    error AMPSocialTooManyTopics(uint256 count, uint256 max);
    /// @notice Topic number `index` must be 1..`max` bytes long.
    error AMPSocialInvalidTopic(uint256 index, uint256 length, uint256 max);
    /// @notice The text is longer than `max` bytes.
    error AMPSocialTextTooLong(uint256 length, uint256 max);
    /// @notice The URI is longer than `max` bytes.
    error AMPSocialUriTooLong(uint256 length, uint256 max);
    /// @notice A post needs a non-empty text or a non-zero content hash.
    error AMPSocialEmptyPost();

    /// @notice Creates a community founded by the caller.
    /// @param name 1..MAX_NAME_BYTES bytes.
    /// @param description At most MAX_DESCRIPTION_BYTES bytes.
    /// @return communityId The new community's id (from 1).
    function createCommunity(string calldata name, string calldata description)
        external
        returns (uint256 communityId);

    /// @notice Adds a moderator. Founder only.
    function addModerator(uint256 communityId, address account) external;

    /// @notice Removes a moderator. Founder only.
    function removeModerator(uint256 communityId, address account) external;

    /// @notice Publishes a post in `communityId` authored by the caller.
    /// @param topics At most MAX_TOPICS tags of 1..MAX_TOPIC_BYTES bytes each.
    /// @param text At most MAX_TEXT_BYTES bytes; may be empty when `contentHash` is set.
    /// @param contentHash Hash of off-chain content (zero when none).
    /// @param uri Where off-chain content lives (may be empty), at most MAX_URI_BYTES bytes.
    /// @return postId The new post's id (from 1).
    function publish(
        uint256 communityId,
        string[] calldata topics,
        string calldata text,
        bytes32 contentHash,
        string calldata uri
    ) external returns (uint256 postId);

    /// @notice Publishes a reply to `parentId` (a post or another reply), in the parent's community.
    /// @dev Same content rules as `publish`; emits `PostPublished` then `PostReplied`.
    /// @return postId The reply's post id.
    function reply(
        uint256 parentId,
        string[] calldata topics,
        string calldata text,
        bytes32 contentHash,
        string calldata uri
    ) external returns (uint256 postId);

    /// @notice Publishes a post in `communityId` that quotes `quotedId` (any community).
    /// @dev Same content rules as `publish`; emits `PostPublished` then `PostQuoted`.
    /// @return postId The quote's post id.
    function quote(
        uint256 quotedId,
        uint256 communityId,
        string[] calldata topics,
        string calldata text,
        bytes32 contentHash,
        string calldata uri
    ) external returns (uint256 postId);

    /// @notice A community's stored record (name and description live in its creation event).
    /// @return founder The founder (zero when the community does not exist).
    /// @return createdAt Block timestamp of creation.
    /// @return moderatorCount Current number of moderators.
    function communities(uint256 communityId)
        external
        view
        returns (address founder, uint64 createdAt, uint32 moderatorCount);

    /// @notice A post's stored record (content lives in its publication event).
    /// @return author The author (zero when the post does not exist).
    /// @return communityId The community it was published in.
    function posts(uint256 postId) external view returns (address author, uint256 communityId);

    /// @notice Whether `account` moderates `communityId`.
    function isModerator(uint256 communityId, address account) external view returns (bool);

    /// @notice Number of posts; post ids are 1..postCount().
    function postCount() external view returns (uint256);

    /// @notice Number of communities; community ids are 1..communityCount().
    function communityCount() external view returns (uint256);

    /// @notice Maximum post text length in bytes.
    function MAX_TEXT_BYTES() external view returns (uint256);
    /// @notice Maximum number of topics per post.
    function MAX_TOPICS() external view returns (uint256);
    /// @notice Maximum topic length in bytes.
    function MAX_TOPIC_BYTES() external view returns (uint256);
    /// @notice Maximum URI length in bytes.
    function MAX_URI_BYTES() external view returns (uint256);
    /// @notice Maximum community name length in bytes.
    function MAX_NAME_BYTES() external view returns (uint256);
    /// @notice Maximum community description length in bytes.
    function MAX_DESCRIPTION_BYTES() external view returns (uint256);
}

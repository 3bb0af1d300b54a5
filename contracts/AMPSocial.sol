// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Bounds read as the spec states them (<=), and the spec fixes the event signatures (amounts are not
// filtered on, so they stay unindexed).
/* solhint-disable gas-strict-inequalities, gas-indexed-events */

import {IAMPSocial} from "./interfaces/IAMPSocial.sol";

/// @title AMPSocial
/// @notice Communities and posts. Storage keeps only what other contracts check (founders,
/// moderators, post authors); names, descriptions and content live in events.
contract AMPSocial is IAMPSocial {
    struct Community {
        address founder;
        uint64 createdAt;
        uint32 moderatorCount;
    }

    struct Post {
        address author;
        uint96 communityId;
    }

    /// @inheritdoc IAMPSocial
    uint256 public constant MAX_TEXT_BYTES = 1000;
    /// @inheritdoc IAMPSocial
    uint256 public constant MAX_TOPICS = 5;
    /// @inheritdoc IAMPSocial
    uint256 public constant MAX_TOPIC_BYTES = 32;
    /// @inheritdoc IAMPSocial
    uint256 public constant MAX_URI_BYTES = 2048;
    /// @inheritdoc IAMPSocial
    uint256 public constant MAX_NAME_BYTES = 64;
    /// @inheritdoc IAMPSocial
    uint256 public constant MAX_DESCRIPTION_BYTES = 1000;

    /// @inheritdoc IAMPSocial
    uint256 public communityCount;
    /// @inheritdoc IAMPSocial
    uint256 public postCount;

    mapping(uint256 communityId => Community) private _communities;
    mapping(uint256 postId => Post) private _posts;
    /// @inheritdoc IAMPSocial
    mapping(uint256 communityId => mapping(address account => bool)) public isModerator;

    /// @inheritdoc IAMPSocial
    function createCommunity(string calldata name, string calldata description)
        external
        returns (uint256 communityId)
    {
        uint256 nameLength = bytes(name).length;
        if (nameLength == 0 || nameLength > MAX_NAME_BYTES) revert AMPSocialInvalidName(nameLength, MAX_NAME_BYTES);
        if (bytes(description).length > MAX_DESCRIPTION_BYTES) {
            revert AMPSocialDescriptionTooLong(bytes(description).length, MAX_DESCRIPTION_BYTES);
        }
        communityId = ++communityCount;
        _communities[communityId] = Community({
            founder: msg.sender,
            createdAt: uint64(block.timestamp),
            moderatorCount: 0
        });
        emit CommunityCreated(communityId, msg.sender, name, description);
    }

    /// @inheritdoc IAMPSocial
    function addModerator(uint256 communityId, address account) external {
        Community storage community = _founded(communityId);
        if (account == address(0)) revert AMPSocialInvalidModerator(account);
        if (isModerator[communityId][account]) revert AMPSocialAlreadyModerator(communityId, account);
        isModerator[communityId][account] = true;
        ++community.moderatorCount;
        emit ModeratorAdded(communityId, account);
    }

    /// @inheritdoc IAMPSocial
    function removeModerator(uint256 communityId, address account) external {
        Community storage community = _founded(communityId);
        if (!isModerator[communityId][account]) revert AMPSocialNotModerator(communityId, account);
        isModerator[communityId][account] = false;
        // Unchecked is safe: the account was a moderator, so the count is at least one.
        unchecked {
            --community.moderatorCount;
        }
        emit ModeratorRemoved(communityId, account);
    }

    /// @inheritdoc IAMPSocial
    function publish(
        uint256 communityId,
        string[] calldata topics,
        string calldata text,
        bytes32 contentHash,
        string calldata uri
    ) external returns (uint256 postId) {
        if (communityId == 0 || communityId > communityCount) revert AMPSocialUnknownCommunity(communityId);
        postId = _publish(communityId, topics, text, contentHash, uri);
    }

    /// @inheritdoc IAMPSocial
    function reply(
        uint256 parentId,
        string[] calldata topics,
        string calldata text,
        bytes32 contentHash,
        string calldata uri
    ) external returns (uint256 postId) {
        Post storage parent = _posts[parentId];
        if (parent.author == address(0)) revert AMPSocialUnknownPost(parentId);
        postId = _publish(parent.communityId, topics, text, contentHash, uri);
        emit PostReplied(postId, parentId);
    }

    /// @inheritdoc IAMPSocial
    function quote(
        uint256 quotedId,
        uint256 communityId,
        string[] calldata topics,
        string calldata text,
        bytes32 contentHash,
        string calldata uri
    ) external returns (uint256 postId) {
        if (_posts[quotedId].author == address(0)) revert AMPSocialUnknownPost(quotedId);
        if (communityId == 0 || communityId > communityCount) revert AMPSocialUnknownCommunity(communityId);
        postId = _publish(communityId, topics, text, contentHash, uri);
        emit PostQuoted(postId, quotedId);
    }

    /// @inheritdoc IAMPSocial
    function communities(uint256 communityId)
        external
        view
        returns (address founder, uint64 createdAt, uint32 moderatorCount)
    {
        Community storage community = _communities[communityId];
        return (community.founder, community.createdAt, community.moderatorCount);
    }

    /// @inheritdoc IAMPSocial
    function posts(uint256 postId) external view returns (address author, uint256 communityId) {
        Post storage post = _posts[postId];
        return (post.author, post.communityId);
    }

    /// @dev Checks the content, stores the post and emits `PostPublished`; `communityId` exists.
    function _publish(
        uint256 communityId,
        string[] calldata topics,
        string calldata text,
        bytes32 contentHash,
        string calldata uri
    ) private returns (uint256 postId) {
        uint256 topicCount = topics.length;
        if (topicCount > MAX_TOPICS) revert AMPSocialTooManyTopics(topicCount, MAX_TOPICS);
        for (uint256 i; i < topicCount; ++i) {
            uint256 length = bytes(topics[i]).length;
            if (length == 0 || length > MAX_TOPIC_BYTES) revert AMPSocialInvalidTopic(i, length, MAX_TOPIC_BYTES);
        }
        uint256 textLength = bytes(text).length;
        if (textLength > MAX_TEXT_BYTES) revert AMPSocialTextTooLong(textLength, MAX_TEXT_BYTES);
        if (textLength == 0 && contentHash == bytes32(0)) revert AMPSocialEmptyPost();
        if (bytes(uri).length > MAX_URI_BYTES) revert AMPSocialUriTooLong(bytes(uri).length, MAX_URI_BYTES);

        postId = ++postCount;
        // The cast is safe: communityId <= communityCount, which cannot reach 2**96 one transaction at a time.
        _posts[postId] = Post({author: msg.sender, communityId: uint96(communityId)});
        emit PostPublished(postId, communityId, msg.sender, topics, text, contentHash, uri);
    }

    /// @dev The community, after checking it exists and the caller founded it.
    function _founded(uint256 communityId) private view returns (Community storage community) {
        community = _communities[communityId];
        if (community.founder == address(0)) revert AMPSocialUnknownCommunity(communityId);
        if (community.founder != msg.sender) revert AMPSocialNotFounder(communityId, msg.sender);
    }
}

#pragma once
// Thin, named wrappers over OpenSSL: the only cryptography the service needs today.
#include <cstddef>
#include <string>
#include <string_view>

#include "clue_router/domain/time.hpp"

namespace clue_router::service {

// Lower-case hex, two digits a byte.
std::string hex_encode(std::string_view bytes);
std::string sha256_hex(std::string_view data);
// Cryptographically secure random bytes (RAND_bytes); throws if the generator fails.
std::string random_bytes(std::size_t n);
// The raw 32-byte HMAC-SHA256 of data under key.
std::string hmac_sha256(std::string_view key, std::string_view data);
// HMAC with the named OpenSSL digest ("SHA1", "SHA2-256", "SHA2-512"): what TOTP needs.
std::string hmac_with(const char* digest, std::string_view key, std::string_view data);
// Constant-time equality for secrets of public length.
bool constant_time_equal(std::string_view a, std::string_view b);

// A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds then random bits. Ids sort by creation
// time, which keeps the B-tree appends local and gives list cursors a natural order.
std::string new_uuid_v7(domain::Timestamp now);

}  // namespace clue_router::service

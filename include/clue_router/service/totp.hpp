#pragma once
// Time-based one-time passwords (RFC 6238, on HOTP, RFC 4226): the second factor of people's
// accounts (issue 15, stage 2). Pure functions of a key and a time; the key is a secret the
// caller keeps sealed. Base32 (RFC 4648, no padding) is how authenticator apps take keys.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "clue_router/domain/time.hpp"

namespace clue_router::service {

enum class TotpHash { sha1, sha256, sha512 };

// The HOTP value of `counter`, `digits` long (6 to 8), zero-padded.
std::string hotp(std::string_view key, std::uint64_t counter, int digits = 6,
                 TotpHash hash = TotpHash::sha1);
// The time step of `at` (Unix time / step).
std::uint64_t totp_step(domain::Timestamp at, std::chrono::seconds step = std::chrono::seconds(30));
std::string totp(std::string_view key, domain::Timestamp at, int digits = 6,
                 std::chrono::seconds step = std::chrono::seconds(30),
                 TotpHash hash = TotpHash::sha1);
// The time step whose code `code` is, within `window` steps either side of `at` (clocks
// drift), compared in constant time; nullopt when none. A caller refuses a step at or before
// the last one accepted, so a code is good once.
std::optional<std::uint64_t> verify_totp(std::string_view key, std::string_view code,
                                         domain::Timestamp at, int window = 1);

std::string base32_encode(std::string_view bytes);
// Upper or lower case, spaces and padding ignored; nullopt for any other character.
std::optional<std::string> base32_decode(std::string_view text);

}  // namespace clue_router::service

#pragma once
// The codes an authenticator app shows (RFC 6238, HMAC-SHA-1, 6 digits, 30 s), computed here
// with OpenSSL alone, so that the tests check the service against an implementation other
// than its own.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>

namespace clue_router::it {

// RFC 4648 base32 as the service hands the key out (upper case, no padding).
inline std::string base32_decoded(const std::string& text) {
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (const char c : text) {
        int value = -1;
        if (c >= 'A' && c <= 'Z') value = c - 'A';
        if (c >= '2' && c <= '7') value = c - '2' + 26;
        if (value < 0) continue;
        buffer = (buffer << 5) | static_cast<std::uint32_t>(value);
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xFF);
        }
    }
    return out;
}

// The code for Unix time `unix_seconds`.
inline std::string totp_code(const std::string& base32_key, long long unix_seconds) {
    const std::string key = base32_decoded(base32_key);
    std::uint64_t counter = static_cast<std::uint64_t>(unix_seconds / 30);
    std::array<unsigned char, 8> message{};
    for (int i = 7; i >= 0; --i) {
        message[static_cast<std::size_t>(i)] = static_cast<unsigned char>(counter & 0xFF);
        counter >>= 8;
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), message.data(), message.size(),
         digest, &length);
    const int offset = digest[length - 1] & 0x0F;
    const std::uint32_t binary = (static_cast<std::uint32_t>(digest[offset] & 0x7F) << 24) |
                                 (static_cast<std::uint32_t>(digest[offset + 1]) << 16) |
                                 (static_cast<std::uint32_t>(digest[offset + 2]) << 8) |
                                 static_cast<std::uint32_t>(digest[offset + 3]);
    char text[8];
    std::snprintf(text, sizeof text, "%06u", binary % 1'000'000);
    return text;
}

}  // namespace clue_router::it

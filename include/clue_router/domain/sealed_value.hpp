#pragma once
// The envelope that holds one encrypted personal value at rest. Pure: the format only; the
// cipher itself (AES-256-GCM through OpenSSL) lives in service/data_keys.
//
//   cr1.<key id>.<nonce, base64url>.<ciphertext and tag, base64url>
//
// The key id travels with every value, so keys can be rotated value by value and an old key
// can be retired once no value names it. The format is text so that it can sit in a JSON
// document in place of the clear value.
#include <optional>
#include <string>
#include <string_view>

namespace clue_router::domain {

struct SealedValue {
    std::string key_id;      // [A-Za-z0-9_-]{1,32}
    std::string nonce;       // raw bytes (12 for AES-GCM)
    std::string ciphertext;  // raw bytes: ciphertext followed by the authentication tag
};

// Key ids are short, printable and free of the envelope's separator.
bool valid_key_id(std::string_view id);

std::string format_sealed(const SealedValue& value);
// nullopt when the text is not an envelope (wrong prefix, bad key id, bad base64url).
std::optional<SealedValue> parse_sealed(std::string_view text);

}  // namespace clue_router::domain

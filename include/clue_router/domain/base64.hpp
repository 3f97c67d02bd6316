#pragma once
// RFC 4648 base64 in the two spellings the service speaks, with one strict codec behind them:
//   - base64url without padding (§5): sealed values, API key secrets;
//   - base64 with padding (§4): Standard Webhooks secrets and signatures.
// Decoding refuses anything that is not the canonical encoding of some bytes (wrong
// alphabet, stray or missing padding, non-zero leftover bits), so each byte string has one
// spelling and a signature or envelope cannot be varied without changing its bytes.
// Pure; hand-written because OpenSSL's EVP_EncodeBlock knows only the padded alphabet and
// accepts whitespace on decode (see README, "Libraries").
#include <optional>
#include <string>
#include <string_view>

namespace clue_router::domain {

std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

// True when c is in the base64url alphabet (letters, digits, '-' and '_').
bool is_base64url_char(char c);

}  // namespace clue_router::domain

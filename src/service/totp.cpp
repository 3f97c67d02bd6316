#include "clue_router/service/totp.hpp"

#include <cctype>
#include <stdexcept>

#include "clue_router/service/crypto.hpp"

namespace clue_router::service {

namespace {

std::string hmac(TotpHash hash, std::string_view key, std::string_view data) {
    const char* digest = hash == TotpHash::sha1     ? "SHA1"
                         : hash == TotpHash::sha256 ? "SHA2-256"
                                                    : "SHA2-512";
    return hmac_with(digest, key, data);
}

constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

}  // namespace

std::string hotp(std::string_view key, std::uint64_t counter, int digits, TotpHash hash) {
    if (digits < 6 || digits > 8) throw std::invalid_argument("hotp: 6 to 8 digits");
    std::string message(8, '\0');
    for (int i = 7; i >= 0; --i, counter >>= 8) {
        message[static_cast<std::size_t>(i)] = static_cast<char>(counter & 0xFF);
    }
    const std::string mac = hmac(hash, key, message);
    // Dynamic truncation (RFC 4226 §5.3): the last nibble picks four bytes.
    const auto byte = [&](std::size_t i) {
        return static_cast<std::uint32_t>(static_cast<unsigned char>(mac[i]));
    };
    const std::size_t offset = byte(mac.size() - 1) & 0x0F;
    const std::uint32_t binary = ((byte(offset) & 0x7F) << 24) | (byte(offset + 1) << 16) |
                                 (byte(offset + 2) << 8) | byte(offset + 3);
    std::uint32_t modulus = 1;
    for (int i = 0; i < digits; ++i) modulus *= 10;
    std::string code = std::to_string(binary % modulus);
    return std::string(static_cast<std::size_t>(digits) - code.size(), '0') + code;
}

std::uint64_t totp_step(domain::Timestamp at, std::chrono::seconds step) {
    const auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
    return static_cast<std::uint64_t>(seconds < 0 ? 0 : seconds) /
           static_cast<std::uint64_t>(step.count());
}

std::string totp(std::string_view key, domain::Timestamp at, int digits, std::chrono::seconds step,
                 TotpHash hash) {
    return hotp(key, totp_step(at, step), digits, hash);
}

std::optional<std::uint64_t> verify_totp(std::string_view key, std::string_view code,
                                         domain::Timestamp at, int window) {
    if (code.size() != 6) return std::nullopt;
    const std::uint64_t now = totp_step(at);
    std::optional<std::uint64_t> found;
    // Every candidate is computed and compared, so the time taken says nothing of which matched.
    for (int d = -window; d <= window; ++d) {
        if (d < 0 && now < static_cast<std::uint64_t>(-d)) continue;
        const std::uint64_t step = now + static_cast<std::uint64_t>(static_cast<std::int64_t>(d));
        if (constant_time_equal(hotp(key, step), code) && !found) found = step;
    }
    return found;
}

std::string base32_encode(std::string_view bytes) {
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (unsigned char c : bytes) {
        buffer = (buffer << 8) | c;
        bits += 8;
        while (bits >= 5) {
            out += kBase32[(buffer >> (bits - 5)) & 0x1F];
            bits -= 5;
        }
    }
    if (bits > 0) out += kBase32[(buffer << (5 - bits)) & 0x1F];
    return out;
}

std::optional<std::string> base32_decode(std::string_view text) {
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (char raw : text) {
        if (raw == ' ' || raw == '=') continue;
        const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(raw)));
        const auto at = kBase32.find(c);
        if (at == std::string_view::npos) return std::nullopt;
        buffer = (buffer << 5) | static_cast<std::uint32_t>(at);
        bits += 5;
        if (bits >= 8) {
            out += static_cast<char>((buffer >> (bits - 8)) & 0xFF);
            bits -= 8;
        }
    }
    return out;
}

}  // namespace clue_router::service

#include <catch2/catch.hpp>

#include <string>
#include <utility>

#include "clue_router/domain/base64.hpp"

using namespace clue_router::domain;

namespace {

// RFC 4648 §10 test vectors, in the padded spelling.
const std::pair<std::string, std::string> kVectors[] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

std::string without_padding(std::string text) {
    while (!text.empty() && text.back() == '=') text.pop_back();
    return text;
}

}  // namespace

TEST_CASE("base64 with padding follows RFC 4648 both ways", "[domain][base64]") {
    for (const auto& [raw, text] : kVectors) {
        CHECK(base64_encode(raw) == text);
        CHECK(base64_decode(text) == raw);
    }
    CHECK(base64_encode("\xfb\xff") == "+/8=");
    CHECK(base64_decode("+/8=") == std::string("\xfb\xff"));
}

TEST_CASE("base64 decoding refuses every spelling but the canonical one", "[domain][base64]") {
    CHECK_FALSE(base64_decode("Zg"));        // padding is required
    CHECK_FALSE(base64_decode("Zg="));       // and must fill the quantum
    CHECK_FALSE(base64_decode("Zm9=YmFy"));  // padding only at the very end
    CHECK_FALSE(base64_decode("Z==="));      // three '=' never occur
    CHECK_FALSE(base64_decode("===="));
    CHECK_FALSE(base64_decode("Zh=="));    // non-zero leftover bits
    CHECK_FALSE(base64_decode("-_8="));    // base64url's alphabet
    CHECK_FALSE(base64_decode("Zm9v\n"));  // no whitespace
}

TEST_CASE("base64url without padding follows RFC 4648 both ways", "[domain][base64]") {
    for (const auto& [raw, padded] : kVectors) {
        const std::string text = without_padding(padded);
        CHECK(base64url_encode(raw) == text);
        CHECK(base64url_decode(text) == raw);
    }
    CHECK(base64url_encode("\xfb\xff") == "-_8");
    CHECK_FALSE(base64url_decode("Zm9v="));  // padding is not part of the format
    CHECK_FALSE(base64url_decode("Zm+v"));   // '+' is base64, not base64url
    CHECK_FALSE(base64url_decode("Z"));      // no byte string encodes to one digit
    CHECK_FALSE(base64url_decode("Zh"));     // non-zero leftover bits
}

TEST_CASE("both spellings round-trip every byte value", "[domain][base64]") {
    std::string all;
    for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
    for (std::size_t len = 0; len <= all.size(); len += 37) {
        const std::string raw = all.substr(0, len);
        CHECK(base64_decode(base64_encode(raw)) == raw);
        CHECK(base64url_decode(base64url_encode(raw)) == raw);
    }
    CHECK(is_base64url_char('-'));
    CHECK_FALSE(is_base64url_char('+'));
    CHECK_FALSE(is_base64url_char('.'));
}

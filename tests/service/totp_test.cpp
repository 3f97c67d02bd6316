#include "clue_router/service/totp.hpp"

#include <catch2/catch.hpp>

using namespace clue_router::service;

namespace {
clue_router::domain::Timestamp at(long long unix_seconds) {
    return clue_router::domain::Timestamp(std::chrono::seconds(unix_seconds));
}
}  // namespace

TEST_CASE("TOTP matches the test vectors of RFC 6238 appendix B", "[service][totp]") {
    const std::string sha1_key = "12345678901234567890";
    const std::string sha256_key = "12345678901234567890123456789012";
    const std::string sha512_key =
        "1234567890123456789012345678901234567890123456789012345678901234";
    struct Vector {
        long long time;
        const char *sha1, *sha256, *sha512;
    };
    const Vector vectors[] = {
        {59, "94287082", "46119246", "90693936"},
        {1111111109, "07081804", "68084774", "25091201"},
        {1111111111, "14050471", "67062674", "99943326"},
        {1234567890, "89005924", "91819424", "93441116"},
        {2000000000, "69279037", "90698825", "38618901"},
        {20000000000, "65353130", "77737706", "47863826"},
    };
    const auto step = std::chrono::seconds(30);
    for (const auto& v : vectors) {
        INFO(v.time);
        CHECK(totp(sha1_key, at(v.time), 8, step, TotpHash::sha1) == v.sha1);
        CHECK(totp(sha256_key, at(v.time), 8, step, TotpHash::sha256) == v.sha256);
        CHECK(totp(sha512_key, at(v.time), 8, step, TotpHash::sha512) == v.sha512);
    }
}

TEST_CASE("HOTP matches the test values of RFC 4226 appendix D", "[service][totp]") {
    const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                              "254676", "287922", "162583", "399871", "520489"};
    for (std::uint64_t i = 0; i < 10; ++i) CHECK(hotp("12345678901234567890", i) == expected[i]);
}

TEST_CASE("a code is accepted within one step of drift, and names its step", "[service][totp]") {
    const std::string key = "12345678901234567890";
    const auto now = at(1111111111);
    const std::string code = totp(key, now);
    CHECK(verify_totp(key, code, now) == totp_step(now));
    CHECK(verify_totp(key, code, at(1111111111 + 30)) == totp_step(now));
    CHECK(verify_totp(key, code, at(1111111111 - 30)) == totp_step(now));
    CHECK_FALSE(verify_totp(key, code, at(1111111111 + 90)));
    CHECK_FALSE(verify_totp(key, "000000x", now));
    CHECK_FALSE(verify_totp(key, "", now));
}

TEST_CASE("base32 as authenticator apps write keys", "[service][totp]") {
    // RFC 4648 §10, without padding.
    CHECK(base32_encode("") == "");
    CHECK(base32_encode("f") == "MY");
    CHECK(base32_encode("foobar") == "MZXW6YTBOI");
    CHECK(base32_decode("MZXW6YTBOI") == "foobar");
    CHECK(base32_decode("mzxw 6ytb oi==") == "foobar");
    CHECK_FALSE(base32_decode("MZ1W"));
    const std::string key = "12345678901234567890";
    CHECK(base32_decode(base32_encode(key)) == key);
}

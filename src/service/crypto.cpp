#include "clue_router/service/crypto.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <array>
#include <memory>
#include <stdexcept>

namespace clue_router::service {
namespace {

// OpenSSL 3 looks an algorithm up by name on every use unless it is fetched once and kept
// ("explicit fetching", the migration guide's advice for speed); a clue's intake hashes and
// MACs several times. Fetched on first use, thread-safely, and kept for the process's life.
const EVP_MD* sha256_algorithm() {
    static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
    if (md == nullptr) throw std::runtime_error("SHA-256 is not available");
    return md;
}

EVP_MAC* hmac_algorithm() {
    static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (mac == nullptr) throw std::runtime_error("HMAC is not available");
    return mac;
}

struct MacContextFree {
    void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};

}  // namespace

std::string hex_encode(std::string_view bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        out.push_back(kHex[b >> 4]);
        out.push_back(kHex[b & 0x0f]);
    }
    return out;
}

std::string sha256_hex(std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), digest.data(), &len, sha256_algorithm(), nullptr) !=
        1) {
        throw std::runtime_error("SHA-256 failed");
    }
    return hex_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), len));
}

std::string random_bytes(std::size_t n) {
    std::string out(n, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
        throw std::runtime_error("the random number generator failed");
    }
    return out;
}

std::string hmac_with(const char* digest, std::string_view key, std::string_view data) {
    std::unique_ptr<EVP_MAC_CTX, MacContextFree> ctx(EVP_MAC_CTX_new(hmac_algorithm()));
    std::string digest_name(digest);  // OSSL_PARAM takes a mutable string
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name.data(), 0),
        OSSL_PARAM_construct_end()};
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    std::size_t len = 0;
    if (ctx == nullptr ||
        EVP_MAC_init(ctx.get(), reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                     params) != 1 ||
        EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(data.data()),
                       data.size()) != 1 ||
        EVP_MAC_final(ctx.get(), mac.data(), &len, mac.size()) != 1) {
        throw std::runtime_error("HMAC failed");
    }
    return std::string(reinterpret_cast<const char*>(mac.data()), len);
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
    return hmac_with("SHA2-256", key, data);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string new_uuid_v7(domain::Timestamp now) {
    const auto ms = static_cast<std::uint64_t>(now.time_since_epoch().count());
    // Ids need unpredictable bits, not a system call each: a per-thread buffer of the
    // CSPRNG's output, refilled 25 ids at a time (the server never forks, so no two
    // processes share a buffer).
    thread_local std::array<unsigned char, 250> pool{};
    thread_local std::size_t used = pool.size();
    if (used == pool.size()) {
        if (RAND_bytes(pool.data(), static_cast<int>(pool.size())) != 1) {
            throw std::runtime_error("the random number generator failed");
        }
        used = 0;
    }
    const unsigned char* rnd = pool.data() + used;
    used += 10;
    std::array<unsigned char, 16> b{};
    for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(ms >> (8 * (5 - i)));
    for (int i = 0; i < 10; ++i) b[6 + i] = rnd[i];
    b[6] = static_cast<unsigned char>(0x70 | (b[6] & 0x0f));  // version 7
    b[8] = static_cast<unsigned char>(0x80 | (b[8] & 0x3f));  // RFC 9562 variant
    // 8-4-4-4-12 hex digits.
    std::string out =
        hex_encode(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
    for (const std::size_t dash : {8u, 13u, 18u, 23u}) out.insert(dash, 1, '-');
    return out;
}

}  // namespace clue_router::service

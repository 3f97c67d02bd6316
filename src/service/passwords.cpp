#include "clue_router/service/passwords.hpp"

#include <stdexcept>
#include <string>

#include <argon2.h>

#include "clue_router/service/crypto.hpp"

namespace clue_router::service {

namespace {
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;
}  // namespace

std::string hash_password(std::string_view password, const PasswordHashing& p) {
    const std::string salt = random_bytes(kSaltBytes);
    std::string encoded(argon2_encodedlen(p.iterations, p.memory_kib, p.parallelism, kSaltBytes,
                                          kHashBytes, Argon2_id),
                        '\0');
    const int rc = argon2id_hash_encoded(p.iterations, p.memory_kib, p.parallelism, password.data(),
                                         password.size(), salt.data(), salt.size(), kHashBytes,
                                         encoded.data(), encoded.size());
    if (rc != ARGON2_OK) {
        throw std::runtime_error(std::string("argon2id: ") + argon2_error_message(rc));
    }
    encoded.resize(encoded.find('\0'));
    return encoded;
}

bool verify_password(std::string_view encoded, std::string_view password) {
    if (encoded.substr(0, 10) != "$argon2id$") return false;
    const std::string text(encoded);  // libargon2 wants a NUL-terminated string
    return argon2id_verify(text.c_str(), password.data(), password.size()) == ARGON2_OK;
}

bool needs_rehash(std::string_view encoded, const PasswordHashing& p) {
    const std::string wanted = "$argon2id$v=19$m=" + std::to_string(p.memory_kib) +
                               ",t=" + std::to_string(p.iterations) +
                               ",p=" + std::to_string(p.parallelism) + "$";
    return encoded.substr(0, wanted.size()) != wanted;
}

}  // namespace clue_router::service

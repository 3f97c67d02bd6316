#pragma once
// Password hashing with Argon2id (Debian's libargon2), in the PHC string form
// ($argon2id$v=19$m=…,t=…,p=…$salt$hash) so each stored hash carries its own parameters: a
// change of parameters in the configuration reaches every account at her next sign-in
// (needs_rehash), with no migration.
#include <cstdint>
#include <string>
#include <string_view>

namespace clue_router::service {

struct PasswordHashing {
    std::uint32_t memory_kib = 19 * 1024;  // OWASP's first Argon2id choice: 19 MiB, t=2, p=1
    std::uint32_t iterations = 2;
    std::uint32_t parallelism = 1;
};

// A fresh 16-byte random salt each time. Throws std::runtime_error if libargon2 fails (out of
// memory, parameters out of range).
std::string hash_password(std::string_view password, const PasswordHashing& params);
// Constant-time in the hash comparison (libargon2's own); false for a malformed hash.
bool verify_password(std::string_view encoded, std::string_view password);
// Whether the stored hash was made with other parameters (or another algorithm).
bool needs_rehash(std::string_view encoded, const PasswordHashing& params);

}  // namespace clue_router::service

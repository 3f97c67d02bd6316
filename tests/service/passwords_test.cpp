#include "clue_router/service/passwords.hpp"

#include <catch2/catch.hpp>

using namespace clue_router::service;

namespace {
// Small parameters: the tests judge the logic, not the cost.
const PasswordHashing kFast{1024, 1, 1};
}  // namespace

TEST_CASE("an Argon2id hash verifies its password and no other", "[service][password]") {
    const std::string h = hash_password("correct horse battery", kFast);
    CHECK(h.rfind("$argon2id$v=19$m=1024,t=1,p=1$", 0) == 0);
    CHECK(verify_password(h, "correct horse battery"));
    CHECK_FALSE(verify_password(h, "correct horse batterY"));
    CHECK_FALSE(verify_password("not a hash", "correct horse battery"));
    CHECK_FALSE(verify_password("", ""));
    // A fresh salt each time.
    CHECK(hash_password("correct horse battery", kFast) != h);
}

TEST_CASE("a hash made with other parameters needs re-hashing", "[service][password]") {
    const std::string h = hash_password("correct horse battery", kFast);
    CHECK_FALSE(needs_rehash(h, kFast));
    CHECK(needs_rehash(h, PasswordHashing{2048, 1, 1}));
    CHECK(needs_rehash(h, PasswordHashing{1024, 2, 1}));
    CHECK(needs_rehash(h, PasswordHashing{1024, 1, 2}));
    CHECK(needs_rehash("$argon2i$v=19$m=1024,t=1,p=1$abc$def", kFast));
}
